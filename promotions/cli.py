"""`flask promotions check-at-risk`: warn about briefs behind their pace (run it from cron)."""

import click
from flask.cli import AppGroup
from flask_babel import ngettext

from core import commands
from promotions.at_risk import check_at_risk

promotions_cli = AppGroup("promotions", help="Promotion briefs.")  # (help is for operators)


@promotions_cli.command("check-at-risk")
def check_at_risk_command() -> None:
    """Look at every brief being published; warn its people once when it falls behind.

    The only place a brief's fall is recorded and its people warned: the outcome page
    shows the pace it computes, and writes nothing."""
    with commands.cli_transaction():
        watched, newly = check_at_risk()
    click.echo(
        ngettext(
            "%(num)s brief watched, %(newly)s newly at risk.",
            "%(num)s briefs watched, %(newly)s newly at risk.",
            watched,
            newly=newly,
        )
    )
