"""`flask initiatives expire-reservations`: release catalog reservations that ran out."""

import click
from flask.cli import AppGroup

from core.extensions import db
from initiatives.services import expire_reservations

initiatives_cli = AppGroup("initiatives", help="Initiatives and their catalogs.")


@initiatives_cli.command("expire-reservations")
def expire_reservations_command() -> None:
    """Make books whose reservation has run out available again."""
    count = expire_reservations()
    db.session.commit()
    click.echo(f"{count} reservation(s) expired.")
