"""profiles: job title, team, avatar (and whether an admin hid it), time zone

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-06 05:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: a batch copy of `users` on SQLite would drop the
    # table, and its foreign keys would empty or blank every row that points at a person.
    op.add_column("users", sa.Column("job_title", sa.String(length=120), nullable=True))
    op.add_column("users", sa.Column("team", sa.String(length=120), nullable=True))
    op.add_column("users", sa.Column("avatar_file", sa.String(length=80), nullable=True))
    op.add_column(
        "users",
        sa.Column("avatar_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("users", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        for name in ("time_zone", "avatar_hidden", "avatar_file", "team", "job_title"):
            batch.drop_column(name)
