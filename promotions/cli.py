"""`flask promotions check-at-risk`: warn about briefs behind their pace (run it from cron)."""

import click
from flask.cli import AppGroup

from core.extensions import db
from promotions.results import check_at_risk

promotions_cli = AppGroup("promotions", help="Promotion briefs.")


@promotions_cli.command("check-at-risk")
def check_at_risk_command() -> None:
    """Look at every brief being published; warn its people once when it falls behind."""
    watched, newly = check_at_risk()
    db.session.commit()
    click.echo(f"{watched} briefs watched, {newly} newly at risk.")
