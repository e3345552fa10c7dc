"""`flask initiatives …`: expire reservations and remind of those ending (run them from
cron); forget an outside participant."""

import click
from flask.cli import AppGroup

from core import commands
from initiatives.catalog_items import expire_reservations, remind_reservations
from initiatives.participants import forget_participant, participant_by_email

initiatives_cli = AppGroup("initiatives", help="Initiatives and their catalogs.")


@initiatives_cli.command("expire-reservations")
def expire_reservations_command() -> None:
    """Make books whose reservation has run out available again (pages already show them
    as available; this brings the rows and the audit log in line, e.g. hourly from cron)."""
    with commands.cli_transaction():
        count = expire_reservations()
    click.echo(f"{count} reservation(s) expired.")


@initiatives_cli.command("remind-reservations")
def remind_reservations_command() -> None:
    """Remind each person whose reservation runs out within a day (once per reservation;
    e.g. hourly from cron, beside expire-reservations)."""
    with commands.cli_transaction():
        count = remind_reservations()
    click.echo(f"{count} reservation reminder(s) sent.")


@initiatives_cli.command("forget-participant")
@click.argument("email")
def forget_participant_command(email: str) -> None:
    """Erase the outside participant EMAIL's personal data (totals and outcomes stay)."""
    with commands.cli_transaction():
        participant = participant_by_email(email)
        if participant is None:
            raise click.ClickException(f"No outside participant has the address {email}.")
        forget_participant(None, participant)
    click.echo(f"Forgot participant #{participant.id}: name and e-mail erased.")
