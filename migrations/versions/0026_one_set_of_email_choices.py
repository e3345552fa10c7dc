"""one set of e-mail choices: the old per-kind e-mail switches become delivery choices

Each kind of e-mail a person had turned off on their profile (welcome messages, event
registrations and reminders, at-risk warnings, the weekly digest) becomes that kind's
delivery choice "off" on the notification settings page, unless they chose there
already; then `email_preferences` goes. Account security mail was never optional.
Queued e-mail learns whether its List-Unsubscribe address takes a one-click POST.

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-06 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None

# The kinds a person could turn off when this revision was written.
OPTIONAL_KINDS = ("welcome", "events", "at_risk", "digest")

choices = sa.table(
    "notification_delivery_choices",
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("delivery", sa.String),
)
preferences = sa.table(
    "email_preferences",
    sa.column("user_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("enabled", sa.Boolean),
)


def upgrade():
    # An e-mail whose List-Unsubscribe address is a one-click link says so (RFC 8058).
    # op.add_column: email_attachments refers to outgoing_emails.
    op.add_column(
        "outgoing_emails",
        sa.Column("list_unsubscribe_post", sa.Boolean(), server_default=sa.false(),
                  nullable=False),
    )  # fmt: skip
    conn = op.get_bind()
    turned_off = conn.execute(
        sa.select(preferences.c.user_id, preferences.c.kind)
        .where(preferences.c.enabled.is_(False), preferences.c.kind.in_(OPTIONAL_KINDS))
        .order_by(preferences.c.user_id, preferences.c.kind)
    ).all()
    already = set(
        conn.execute(
            sa.select(choices.c.user_id, choices.c.kind).where(choices.c.kind.in_(OPTIONAL_KINDS))
        ).all()
    )
    wanted = [
        {"user_id": user_id, "kind": kind, "delivery": "off"}
        for user_id, kind in turned_off
        if (user_id, kind) not in already
    ]
    if wanted:
        op.bulk_insert(choices, wanted)
    op.drop_table("email_preferences")


def downgrade():
    op.create_table(
        "email_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_email_preferences_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_email_preferences_user_id")),
    )  # fmt: skip
    conn = op.get_bind()
    turned_off = conn.execute(
        sa.select(choices.c.user_id, choices.c.kind)
        .where(choices.c.kind.in_(OPTIONAL_KINDS), choices.c.delivery == "off")
        .order_by(choices.c.user_id, choices.c.kind)
    ).all()
    if turned_off:
        op.bulk_insert(
            preferences,
            [{"user_id": user_id, "kind": kind, "enabled": False} for user_id, kind in turned_off],
        )
    conn.execute(choices.delete().where(choices.c.kind.in_(OPTIONAL_KINDS)))
    op.drop_column("outgoing_emails", "list_unsubscribe_post")
