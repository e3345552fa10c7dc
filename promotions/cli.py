"""`flask promotions check-at-risk`: warn about briefs behind their pace (run it from cron)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from core.extensions import db
from promotions.results import check_at_risk

promotions_cli = AppGroup("promotions", help="Promotion briefs.")  # (help is for operators)


@promotions_cli.command("check-at-risk")
def check_at_risk_command() -> None:
    """Look at every brief being published; warn its people once when it falls behind."""
    watched, newly = check_at_risk()
    db.session.commit()
    click.echo(
        _("%(watched)s briefs watched, %(newly)s newly at risk.", watched=watched, newly=newly)
    )
