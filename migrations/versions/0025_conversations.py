"""conversations: posts, replies, likes, idea votes, read marks, reports, watched
words, posting bans, and a community's hold on new members' first posts

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-06 07:30:42

"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "posting_bans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_posting_bans_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_posting_bans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_posting_bans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_bans")),
        sa.UniqueConstraint("community_id", "user_id", name="uq_posting_bans_community_user"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "discussion",
                "question",
                "idea",
                "announcement",
                name="post_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "visible",
                "held",
                "hidden",
                "removed",
                name="content_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("state_reason", sa.String(length=500), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "idea_status",
            sa.Enum(
                "open",
                "under_review",
                "planned",
                "done",
                "declined",
                name="idea_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("idea_status_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_posts_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_posts_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
    )
    op.create_index("ix_posts_author_created", "posts", ["author_id", "created_at"], unique=False)
    op.create_index(
        "ix_posts_kind_listing",
        "posts",
        ["community_id", "state", "kind", "last_activity_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_posts_listing",
        "posts",
        ["community_id", "state", "pinned", "last_activity_at", "id"],
        unique=False,
    )

    op.create_table(
        "watched_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "hold",
                "refuse",
                name="watched_word_action",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_watched_words_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_words")),
        sa.UniqueConstraint("phrase", name=op.f("uq_watched_words_phrase")),
    )
    op.create_table(
        "idea_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_idea_votes_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idea_votes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_votes")),
        sa.UniqueConstraint("post_id", "user_id", name="uq_idea_votes_post_user"),
    )
    op.create_index(op.f("ix_idea_votes_user_id"), "idea_votes", ["user_id"], unique=False)

    op.create_table(
        "post_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replies_seen", sa.Integer(), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_reads_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_post_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "post_id", name=op.f("pk_post_reads")),
    )
    op.create_index(op.f("ix_post_reads_post_id"), "post_reads", ["post_id"], unique=False)

    op.create_table(
        "post_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "visible",
                "held",
                "hidden",
                "removed",
                name="content_state",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("state_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("like_count", sa.Integer(), nullable=False),
        sa.Column("is_accepted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_post_replies_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_post_replies_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_replies")),
    )
    op.create_index(
        "ix_post_replies_author_created", "post_replies", ["author_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_post_replies_thread", "post_replies", ["post_id", "state", "id"], unique=False
    )
    op.create_index(
        "uq_post_replies_accepted",
        "post_replies",
        ["post_id"],
        unique=True,
        sqlite_where=sa.text("is_accepted"),
        postgresql_where=sa.text("is_accepted"),
    )

    op.create_table(
        "content_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "(post_id IS NULL) != (reply_id IS NULL)", name=op.f("ck_content_reports_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_content_reports_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_content_reports_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["post_replies.id"],
            name=op.f("fk_content_reports_reply_id_post_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_content_reports_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_content_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_reports")),
    )
    op.create_index(
        "ix_content_reports_open", "content_reports", ["community_id", "resolved_at"], unique=False
    )
    op.create_index(
        "uq_content_reports_post",
        "content_reports",
        ["user_id", "post_id"],
        unique=True,
        sqlite_where=sa.text("post_id IS NOT NULL AND resolved_at IS NULL"),
        postgresql_where=sa.text("post_id IS NOT NULL AND resolved_at IS NULL"),
    )
    op.create_index(
        "uq_content_reports_reply",
        "content_reports",
        ["user_id", "reply_id"],
        unique=True,
        sqlite_where=sa.text("reply_id IS NOT NULL AND resolved_at IS NULL"),
        postgresql_where=sa.text("reply_id IS NOT NULL AND resolved_at IS NULL"),
    )

    op.create_table(
        "reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(post_id IS NULL) != (reply_id IS NULL)", name=op.f("ck_reactions_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_reactions_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["post_replies.id"],
            name=op.f("fk_reactions_reply_id_post_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reactions")),
    )
    op.create_index(
        "uq_reactions_post",
        "reactions",
        ["user_id", "post_id"],
        unique=True,
        sqlite_where=sa.text("post_id IS NOT NULL"),
        postgresql_where=sa.text("post_id IS NOT NULL"),
    )
    op.create_index(
        "uq_reactions_reply",
        "reactions",
        ["user_id", "reply_id"],
        unique=True,
        sqlite_where=sa.text("reply_id IS NOT NULL"),
        postgresql_where=sa.text("reply_id IS NOT NULL"),
    )

    op.add_column(
        "communities",
        sa.Column("hold_first_posts", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade():
    # In place: a batch copy of communities on SQLite would touch the rows that refer to it.
    op.drop_column("communities", "hold_first_posts")
    # Dropping a table drops its indexes.
    for table in ("reactions", "content_reports", "post_replies", "post_reads", "idea_votes",
                  "watched_words", "posts", "posting_bans"):  # fmt: skip
        op.drop_table(table)
