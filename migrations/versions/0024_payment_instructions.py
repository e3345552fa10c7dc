"""a book exchange says how to pay the donation, as its leader wrote it

Revision ID: 0024
Revises: 0031
Create Date: 2026-12-06 07:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    # op.add_column, not batch_alter_table: on SQLite a batch copies the table, and
    # catalog items, leads and briefs refer to initiatives.
    op.add_column(
        "initiatives",
        sa.Column("payment_instructions", sa.Text(), server_default="", nullable=False),
    )
    op.add_column(
        "initiatives",
        sa.Column("payment_instructions_html", sa.Text(), server_default="", nullable=False),
    )


def downgrade():
    op.drop_column("initiatives", "payment_instructions_html")
    op.drop_column("initiatives", "payment_instructions")
