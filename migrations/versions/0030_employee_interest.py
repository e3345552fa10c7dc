"""employees' interest in an initiative: "I'm in" is one lead per person and
initiative, and "I'm out" marks it withdrawn (kept for the tracked link's attribution)

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-06 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0027"
branch_labels = None
depends_on = None

ONE_PER_USER = "kind = 'interest' AND user_id IS NOT NULL"


def upgrade():
    # add_column and create_index, never batch_alter: other tables point at leads.
    op.add_column("leads", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "uq_leads_interest_user",
        "leads",
        ["initiative_id", "user_id"],
        unique=True,
        sqlite_where=sa.text(ONE_PER_USER),
        postgresql_where=sa.text(ONE_PER_USER),
    )


def downgrade():
    op.drop_index("uq_leads_interest_user", table_name="leads")
    op.drop_column("leads", "withdrawn_at")
