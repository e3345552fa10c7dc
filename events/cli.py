"""`flask events remind`: queue event reminders (run it from cron, e.g. hourly)."""

import click
from flask.cli import AppGroup

from core.extensions import db
from events.mail import send_reminders

events_cli = AppGroup("events", help="Events.")


@events_cli.command("remind")
def remind_command() -> None:
    """Queue reminders for events starting within EVENT_REMINDER_HOURS; each is sent once."""
    queued = send_reminders()
    db.session.commit()
    click.echo(f"{queued} reminders queued.")
