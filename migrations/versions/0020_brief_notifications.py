"""brief notifications move into the one notification system

Copies each promotions notification into `notifications` (kind brief_update, or
brief_at_risk for an at-risk warning; subject the brief's title; link to the brief;
read_at kept), turns the old "briefs" e-mail setting into the delivery choice of
brief_update (turned off: "In the app"; on, the default: the kind's default
"E-mail at once"), then drops `promotion_notifications`.

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-06 05:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0021"
branch_labels = None
depends_on = None

SUBJECT_LENGTH = 200

notifications = sa.table(
    "notifications",
    sa.column("recipient_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("subject", sa.String),
    sa.column("endpoint", sa.String),
    sa.column("url_args", sa.JSON),
    sa.column("delivery", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("read_at", sa.DateTime(timezone=True)),
)
choices = sa.table(
    "notification_delivery_choices",
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("delivery", sa.String),
)


def _copied(row) -> dict:
    at_risk = row.event == "at_risk"
    url_args = {"brief_id": row.request_id}
    if at_risk:
        url_args["_anchor"] = "backup-plan"
    title = " ".join((row.title or "").split()) or f"#{row.request_id}"
    return {
        "recipient_id": row.user_id,
        "kind": "brief_at_risk" if at_risk else "brief_update",
        "subject": title[:SUBJECT_LENGTH],
        "endpoint": "promotions.outcome" if at_risk else "promotions.show",
        "url_args": url_args,
        "delivery": "in_app",  # its e-mail, if any, went when it was made
        "created_at": row.created_at,
        "read_at": row.read_at,
    }


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT n.user_id, n.request_id, n.event, n.created_at, n.read_at, r.title"
            " FROM promotion_notifications n JOIN promotion_requests r ON r.id = n.request_id"
            " ORDER BY n.id"
        )
    ).all()
    if rows:
        op.bulk_insert(notifications, [_copied(row) for row in rows])
    turned_off = conn.execute(
        sa.text("SELECT user_id FROM email_preferences WHERE kind = 'briefs' AND enabled = :no"),
        {"no": False},
    ).scalars()
    already = set(
        conn.execute(
            sa.text(
                "SELECT user_id FROM notification_delivery_choices WHERE kind = 'brief_update'"
            )
        ).scalars()
    )
    wanted = [
        {"user_id": user_id, "kind": "brief_update", "delivery": "in_app"}
        for user_id in turned_off
        if user_id not in already
    ]
    if wanted:
        op.bulk_insert(choices, wanted)
    conn.execute(sa.text("DELETE FROM email_preferences WHERE kind = 'briefs'"))
    with op.batch_alter_table("promotion_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_promotion_notifications_user_read")
        batch_op.drop_index(batch_op.f("ix_promotion_notifications_request_id"))
    op.drop_table("promotion_notifications")


def downgrade():
    # The table comes back empty: the notifications stay in `notifications`.
    op.create_table(
        "promotion_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_promotion_notifications_actor_id_users")),
        sa.ForeignKeyConstraint(["request_id"], ["promotion_requests.id"], ondelete="CASCADE",
                                name=op.f("fk_promotion_notifications_request_id_promotion_requests")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_promotion_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_notifications")),
    )  # fmt: skip
    with op.batch_alter_table("promotion_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promotion_notifications_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index("ix_promotion_notifications_user_read", ["user_id", "read_at"])
    conn = op.get_bind()
    turned_off = conn.execute(
        sa.text(
            "SELECT user_id FROM notification_delivery_choices"
            " WHERE kind = 'brief_update' AND delivery IN ('in_app', 'off')"
        )
    ).scalars()
    rows = [{"user_id": user_id, "kind": "briefs", "enabled": False} for user_id in turned_off]
    if rows:
        op.bulk_insert(
            sa.table(
                "email_preferences",
                sa.column("user_id", sa.Integer),
                sa.column("kind", sa.String),
                sa.column("enabled", sa.Boolean),
            ),
            rows,
        )
