"""a person can reset their private calendar feed link

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-06 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_links",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("generation > 0", name=op.f("ck_feed_links_generation_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_feed_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_feed_links")),
    )


def downgrade():
    op.drop_table("feed_links")
