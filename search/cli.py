"""`flask search reindex`: rebuild the index from the database while the site serves.

Not a command (core/commands.py): it changes no row. It reads in short sessions of its
own, batch by batch, so a long rebuild never holds the database's write lock.
"""

import click
from flask.cli import AppGroup

from search.index import RebuildRunning, search_index

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Build a fresh index aside from the database, then swap it in."""
    index = search_index()
    try:
        with click.progressbar(length=index.count_rows(), label="Indexing") as bar:
            report = index.rebuild(on_progress=bar.update)
    except RebuildRunning as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Indexed {report.documents} documents in {report.seconds:.1f} s "
        f"({report.size_bytes / 1024:.0f} KiB) into {report.generation}."
    )
