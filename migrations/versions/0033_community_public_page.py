"""a community's public page: leaders opt in to a page people outside the company can open

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 11:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    # add_column, never batch_alter: other tables point at communities.
    op.add_column(
        "communities",
        sa.Column("public_page", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade():
    op.drop_column("communities", "public_page")
