"""notifications for everyone: the rows, each person's delivery choices, the digests sent

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 04:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _delivery() -> sa.Enum:
    return sa.Enum(
        "in_app", "email_now", "daily_digest", "off", name="notification_delivery",
        native_enum=False, create_constraint=True, length=20,
    )  # fmt: skip


def upgrade():
    op.create_table(
        "notification_delivery_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("delivery", _delivery(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notification_delivery_choices_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_delivery_choices")),
        sa.UniqueConstraint("user_id", "kind", name="uq_delivery_choice"),
    )  # fmt: skip
    op.create_table(
        "notification_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_notification_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notification_digests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_digests")),
        sa.UniqueConstraint("user_id", "day", name="uq_notification_digest_day"),
    )  # fmt: skip
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("endpoint", sa.String(length=80), nullable=True),
        sa.Column("url_args", sa.JSON(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("delivery", _delivery(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_notifications_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient_id", "dedupe_key", name="uq_notifications_dedupe"),
    )  # fmt: skip
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_recipient_read", ["recipient_id", "read_at"])
        batch_op.create_index("ix_notifications_recipient_created", ["recipient_id", "created_at"])
    with op.batch_alter_table("outgoing_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_unsubscribe", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("outgoing_emails", schema=None) as batch_op:
        batch_op.drop_column("list_unsubscribe")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_recipient_created")
        batch_op.drop_index("ix_notifications_recipient_read")
    op.drop_table("notifications")
    op.drop_table("notification_digests")
    op.drop_table("notification_delivery_choices")
