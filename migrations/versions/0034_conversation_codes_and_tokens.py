"""conversations: reasons kept as codes, worded for each reader; notifications keep their
parameters; one post or reply per submitted form

- posts/post_replies.state_reason_code: why the site held, hid or removed an item, put in
  words in the reader's language when shown (conversations/reasons.py). Rows whose
  state_reason is one of the site's own sentences, in English or Ukrainian, get its code
  and lose the sentence; a reason a leader typed stays as typed.
- notifications.params: what a kind words its subject from when shown. Notifications
  made before keep their stored subject (in the language they were made in).
- posts/post_replies.submit_token, unique per author: the same form sent twice makes one.

Revision ID: 0034
Revises: 0030
Create Date: 2026-12-06 11:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0030"
branch_labels = None
depends_on = None

CONTENT_TABLES = ("posts", "post_replies")
HAS_TOKEN = "submit_token IS NOT NULL"

# The site's sentences as stored before this revision, in English and Ukrainian.
KNOWN_REASONS = {
    "watched_word": (
        "It contains a word or phrase that a leader checks before others can read it.",
        "Тут є слово чи фраза, які лідер перевіряє, перш ніж інші зможуть це прочитати.",
    ),
    "first_posts": (
        "New members' first posts wait for a leader's approval.",
        "Перші дописи нових учасників чекають на схвалення лідера.",
    ),
    "reported": (
        "Hidden after members' reports, until a leader decides.",
        "Приховано після скарг учасників, доки лідер не вирішить.",
    ),
    "hidden_by_leader": ("Hidden by a leader.", "Приховано лідером."),
    "spam": ("Removed as spam.", "Вилучено як спам."),
}


def upgrade():
    # Plain ADD COLUMN (no batch copy): other tables' foreign keys point at these.
    for table in CONTENT_TABLES:
        op.add_column(table, sa.Column("state_reason_code", sa.String(20)))
        op.add_column(table, sa.Column("submit_token", sa.String(32)))
        op.create_index(
            f"uq_{table}_submit_token",
            table,
            ["author_id", "submit_token"],
            unique=True,
            sqlite_where=sa.text(HAS_TOKEN),
            postgresql_where=sa.text(HAS_TOKEN),
        )
        rows = sa.table(
            table, sa.column("state_reason", sa.String), sa.column("state_reason_code", sa.String)
        )
        for code, sentences in KNOWN_REASONS.items():
            op.execute(
                rows.update()
                .where(rows.c.state_reason.in_(sentences))
                .values(state_reason_code=code, state_reason=None)
            )
    op.add_column("notifications", sa.Column("params", sa.JSON()))


def downgrade():
    op.drop_column("notifications", "params")
    for table in CONTENT_TABLES:
        rows = sa.table(
            table, sa.column("state_reason", sa.String), sa.column("state_reason_code", sa.String)
        )
        for code, (english, _ukrainian) in KNOWN_REASONS.items():
            op.execute(
                rows.update().where(rows.c.state_reason_code == code).values(state_reason=english)
            )
        op.drop_index(f"uq_{table}_submit_token", table_name=table)
        op.drop_column(table, "submit_token")
        op.drop_column(table, "state_reason_code")
