"""indexes for home: who reserved a book ("Coming up"), a community's newest posts (news)

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-06 15:05:00

"""

from alembic import op

revision = "0035"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_catalog_items_reserved_by_status",
        "catalog_items",
        ["reserved_by_user_id", "status"],
    )
    op.create_index("ix_posts_community_newest", "posts", ["community_id", "state", "id"])


def downgrade():
    op.drop_index("ix_posts_community_newest", table_name="posts")
    op.drop_index("ix_catalog_items_reserved_by_status", table_name="catalog_items")
