"""each notification is taken by one daily digest: notifications.digested_at

Rows a digest already held (ids up to the person's last digest) are marked taken,
so the first digest after the upgrade does not send them again.

Revision ID: 0031
Revises: 0025
Create Date: 2026-12-06 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0025"
branch_labels = None
depends_on = None

WAITING = "delivery = 'daily_digest' AND digested_at IS NULL"


def upgrade():
    op.add_column("notifications", sa.Column("digested_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE notifications SET digested_at = CURRENT_TIMESTAMP"
        " WHERE delivery = 'daily_digest' AND id <= (SELECT MAX(last_notification_id)"
        " FROM notification_digests WHERE user_id = notifications.recipient_id)"
    )
    op.create_index(
        "ix_notifications_digest_waiting",
        "notifications",
        ["recipient_id"],
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )


def downgrade():
    op.drop_index("ix_notifications_digest_waiting", table_name="notifications")
    op.drop_column("notifications", "digested_at")
