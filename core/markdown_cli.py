"""`flask markdown rerender`: the stored HTML of every Markdown column made again.

Run it after a change to the renderer, the sanitiser or the allowed tags: pages
show the stored `<name>_html` and never render, so old HTML stays until then.
"""

from collections.abc import Iterator

import click
from flask.cli import AppGroup
from sqlalchemy import Table, bindparam, func, select

from core import commands
from core.extensions import db
from core.text import markdown_columns, render_markdown

markdown_cli = AppGroup("markdown", help="Markdown and the HTML stored beside it.")


def rerender(table: Table, source: str, html_key: str, batch: int) -> Iterator[tuple[int, int]]:
    """Render `source` again, `batch` rows a transaction; yields (rows read, rows changed).

    A row is written only when its HTML changes and its Markdown is still the one
    read, so a page edited meanwhile keeps the HTML its own save made.
    """
    [key] = table.primary_key.columns
    write = (
        table.update()
        .where(key == bindparam("row_key"), table.c[source] == bindparam("read_source"))
        .values({html_key: bindparam("new_html")})
    )
    last = None
    while True:
        query = select(key, table.c[source], table.c[html_key]).order_by(key).limit(batch)
        with commands.transaction():  # one command per batch
            rows = db.session.execute(query if last is None else query.where(key > last)).all()
            changes = []
            for row_key, text, html in rows:
                new_html = str(render_markdown(text))
                if new_html != (html or ""):
                    changes.append({"row_key": row_key, "read_source": text, "new_html": new_html})
            if changes:
                db.session.execute(write, changes)
        if not rows:
            return
        yield len(rows), len(changes)
        last = rows[-1][0]


@markdown_cli.command("rerender")
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
def rerender_command(batch: int) -> None:
    """Render all stored Markdown again (after a renderer or allowed-tags change)."""
    for table in db.metadata.sorted_tables:
        for source, html_key in markdown_columns(table).items():
            total = db.session.scalar(select(func.count()).select_from(table))
            changed = 0
            with click.progressbar(length=total, label=f"{table.name}.{source}") as bar:
                for read, written in rerender(table, source, html_key, batch):
                    bar.update(read)
                    changed += written
            click.echo(f"{table.name}.{source}: {changed} of {total} rows changed")
