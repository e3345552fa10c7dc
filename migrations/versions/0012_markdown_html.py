"""sanitised HTML stored beside each Markdown column, rendered on save

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-06 01:20:00

"""

import sqlalchemy as sa
from alembic import op

from core.text import render_markdown

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None

# (table, Markdown column): each gains "<column>_html".
MARKDOWN_COLUMNS = [
    ("communities", "description"),
    ("events", "description"),
    ("initiatives", "description"),
    ("promotion_channels", "requirements"),
    ("promotion_requests", "report"),
    ("promotion_requests", "lessons"),
    ("promotion_comments", "body"),
]


def _render_existing(table_name: str, column: str) -> None:
    """Fill the new column for the rows already there, a batch at a time."""
    connection = op.get_bind()
    table = sa.table(table_name, sa.column("id"), sa.column(column), sa.column(f"{column}_html"))
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({f"{column}_html": sa.bindparam("html")})
    )
    last_id = 0
    while batch := connection.execute(
        sa.select(table.c.id, table.c[column])
        .where(table.c.id > last_id, table.c[column] != "")
        .order_by(table.c.id)
        .limit(500)
    ).all():
        connection.execute(
            update,
            [{"row_id": row_id, "html": str(render_markdown(text))} for row_id, text in batch],
        )
        last_id = batch[-1][0]


def upgrade():
    for table_name, column in MARKDOWN_COLUMNS:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(f"{column}_html", sa.Text(), server_default="", nullable=False)
            )
    for table_name, column in MARKDOWN_COLUMNS:
        _render_existing(table_name, column)


def downgrade():
    for table_name, column in reversed(MARKDOWN_COLUMNS):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column(f"{column}_html")
