"""`flask backup PATH` and `flask restore PATH`: whole-database copies.

SQLite uses its online backup API (safe while the site serves); PostgreSQL
uses the standard tools: `pg_dump --format=custom` and `pg_restore --clean`.
Neither is a command (core/commands.py): they copy whole databases beside the
ORM's session rather than change rows through it.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from core.extensions import db
from core.figures import forget_all


def _database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _libpq_url(url) -> str:
    # pg_dump speaks libpq URLs, without SQLAlchemy's "+driver".
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _require_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise click.ClickException(f"{name} is not installed (Debian package postgresql-client).")
    return tool


def backup_database(target: Path) -> None:
    url = _database_url()
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy, pages=256, progress=_report_progress)
        return
    subprocess.run(
        [_require_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
         _libpq_url(url)],
        check=True,
    )  # fmt: skip


def restore_database(source: Path) -> None:
    url = _database_url()
    db.session.remove()
    db.engine.dispose()  # no open connection may hold the old data
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as backup, sqlite3.connect(url.database) as live:
            backup.backup(live)
        return
    subprocess.run(
        [_require_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
         f"--dbname={_libpq_url(url)}", str(source)],
        check=True,
    )  # fmt: skip


def _report_progress(status, remaining, total) -> None:
    if total:
        click.echo(f"\r  copied {total - remaining} of {total} pages", nl=remaining == 0)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the whole database to PATH (safe while the site serves)."""
    try:
        backup_database(path)
    except (OSError, sqlite3.Error, subprocess.CalledProcessError) as error:
        raise click.ClickException(f"Backup failed: {error}") from None
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces every row in the database. Go on?")
@with_appcontext
def restore_command(path: Path) -> None:
    """Replace the database with the backup at PATH."""
    try:
        restore_database(path)
    except (OSError, sqlite3.Error, subprocess.CalledProcessError) as error:
        raise click.ClickException(f"Restore failed: {error}") from None
    forget_all()  # figures kept from the replaced rows
    click.echo(f"Database restored from {path}.")
