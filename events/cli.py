"""`flask events remind`: queue event reminders (run it from cron, e.g. hourly)."""

import click
from flask.cli import AppGroup

from core import commands
from events.mail import send_reminders

events_cli = AppGroup("events", help="Events.")


@events_cli.command("remind")
def remind_command() -> None:
    """Queue reminders for events starting within EVENT_REMINDER_HOURS; each is sent once."""
    with commands.cli_transaction():
        queued = send_reminders()
    click.echo(f"{queued} reminders queued.")
