"""promotion outcomes: tracked links, visits, attribution, backup actions, final figures

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("promotion_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lessons", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("final_figures", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("final_actual", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("at_risk_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("promotion_requests", schema=None) as batch_op:
        batch_op.alter_column("lessons", server_default=None)

    op.create_table(
        "promotion_backup_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"],
                                name=op.f("fk_promotion_backup_actions_done_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["promotion_requests.id"],
                                name=op.f("fk_promotion_backup_actions_request_id_promotion_requests"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_backup_actions")),
        sa.UniqueConstraint("request_id", "position",
                            name=op.f("uq_promotion_backup_actions_request_id")),
    )
    op.create_table(
        "tracked_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("target_path", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["promotion_channels.id"],
                                name=op.f("fk_tracked_links_channel_id_promotion_channels")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_tracked_links_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["post_id"], ["planned_posts.id"],
                                name=op.f("fk_tracked_links_post_id_planned_posts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["promotion_requests.id"],
                                name=op.f("fk_tracked_links_request_id_promotion_requests"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_links")),
        sa.UniqueConstraint("code", name=op.f("uq_tracked_links_code")),
        sa.UniqueConstraint("post_id", name=op.f("uq_tracked_links_post_id")),
    )
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracked_links_request_id"), ["request_id"])

    op.create_table(
        "tracked_link_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_links.id"],
                                name=op.f("fk_tracked_link_visits_link_id_tracked_links"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_link_visits")),
        sa.UniqueConstraint("link_id", "day", "visitor",
                            name=op.f("uq_tracked_link_visits_link_id")),
    )
    op.create_table(
        "promotion_attributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["promotion_channels.id"],
                                name=op.f("fk_promotion_attributions_channel_id_promotion_channels")),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_links.id"],
                                name=op.f("fk_promotion_attributions_link_id_tracked_links"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["promotion_requests.id"],
                                name=op.f("fk_promotion_attributions_request_id_promotion_requests"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_attributions")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_promotion_attributions_kind")),
    )
    with op.batch_alter_table("promotion_attributions", schema=None) as batch_op:
        batch_op.create_index("ix_promotion_attributions_request_kind", ["request_id", "kind"])


def downgrade():
    op.drop_table("promotion_attributions")
    op.drop_table("tracked_link_visits")
    with op.batch_alter_table("tracked_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracked_links_request_id"))
    op.drop_table("tracked_links")
    op.drop_table("promotion_backup_actions")
    with op.batch_alter_table("promotion_requests", schema=None) as batch_op:
        batch_op.drop_column("at_risk_since")
        batch_op.drop_column("reported_at")
        batch_op.drop_column("final_actual")
        batch_op.drop_column("final_figures")
        batch_op.drop_column("lessons")
