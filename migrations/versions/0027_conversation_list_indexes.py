"""conversations: indexes for the Ideas filter (most votes first) and Unanswered

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 07:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

UNANSWERED = "kind = 'question' AND state = 'visible' AND answer_accepted_at IS NULL"


def upgrade():
    op.create_index(
        "ix_posts_idea_votes",
        "posts",
        ["community_id", "state", "kind", "vote_count", "id"],
        unique=False,
    )
    op.create_index(
        "ix_posts_unanswered",
        "posts",
        ["community_id", "last_activity_at", "id"],
        unique=False,
        sqlite_where=sa.text(UNANSWERED),
        postgresql_where=sa.text(UNANSWERED),
    )


def downgrade():
    op.drop_index("ix_posts_unanswered", table_name="posts")
    op.drop_index("ix_posts_idea_votes", table_name="posts")
