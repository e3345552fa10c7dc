"""`flask users create`: make accounts (the first admin) from the command line."""

import click
from flask.cli import AppGroup

from accounts import services
from core import commands

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--password", required=True, help="Initial password (at least 8 characters).")
@click.option("--admin", is_flag=True, help="Give the admin role.")
@click.option("--smm", is_flag=True, help="Give the SMM staff role.")
def create_user_command(email: str, name: str, password: str, admin: bool, smm: bool) -> None:
    """Create the account EMAIL."""
    if len(password) < 8:
        raise click.ClickException("The password needs at least 8 characters.")
    if "@" not in email:
        raise click.ClickException(f"{email!r} is not an email address.")
    with commands.cli_transaction(f"{email}: "):
        # The CLI is how operators make accounts outside the sign-up domains.
        user = services.create_user(
            email,
            name,
            password,
            is_admin=admin,
            is_smm=smm,
            check_domain=False,
            email_confirmed=True,  # an operator vouches for the address
        )
    roles = ", ".join(r for r, on in (("admin", admin), ("smm", smm)) if on) or "employee"
    click.echo(f"Created {user.email} ({roles}).")
