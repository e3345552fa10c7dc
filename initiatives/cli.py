"""`flask initiatives …`: expire reservations; forget an outside participant."""

import click
from flask.cli import AppGroup

from core.errors import DomainError
from core.extensions import db
from initiatives.services import expire_reservations, forget_participant, participant_by_email

initiatives_cli = AppGroup("initiatives", help="Initiatives and their catalogs.")


@initiatives_cli.command("expire-reservations")
def expire_reservations_command() -> None:
    """Make books whose reservation has run out available again."""
    count = expire_reservations()
    db.session.commit()
    click.echo(f"{count} reservation(s) expired.")


@initiatives_cli.command("forget-participant")
@click.argument("email")
def forget_participant_command(email: str) -> None:
    """Erase the outside participant EMAIL's personal data (totals and outcomes stay)."""
    participant = participant_by_email(email)
    if participant is None:
        raise click.ClickException(f"No outside participant has the address {email}.")
    try:
        forget_participant(None, participant)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Forgot participant #{participant.id}: name and e-mail erased.")
