"""counted once: an outside person's interest is one lead, joining counts once per person and brief

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-06 01:40:00

Existing duplicates are merged before the unique indexes are made: of an outside
person's interest leads on one initiative the first stays (the others' attribution
moves to it if it had none, and so does the first source any of them knew); of one
person's join attributions for one brief the first that became a membership stays
(else the first).
"""

from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None

CHUNK = 500


def _delete(conn, table: str, ids: list[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        conn.execute(
            sa.text(f"DELETE FROM {table} WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": ids[start : start + CHUNK]},
        )


def _merge_interest_leads(conn) -> None:
    leads = conn.execute(
        sa.text(
            "SELECT id, initiative_id, participant_id, source FROM leads"
            " WHERE kind = 'interest' AND participant_id IS NOT NULL"
            " ORDER BY initiative_id, participant_id, created_at, id"
        )
    ).all()
    credited = {
        object_id: mark_id
        for mark_id, object_id in conn.execute(
            sa.text("SELECT id, object_id FROM promotion_attributions WHERE kind = 'lead'")
        )
    }
    extra_leads, extra_marks = [], []
    for _person, rows in groupby(leads, key=lambda row: (row.initiative_id, row.participant_id)):
        rows = list(rows)
        kept, *others = [row.id for row in rows]
        source = next((row.source for row in rows if row.source), None)
        if others and source and not rows[0].source:
            conn.execute(
                sa.text("UPDATE leads SET source = :source WHERE id = :kept"),
                {"source": source, "kept": kept},
            )
        for lead_id in others:
            extra_leads.append(lead_id)
            mark_id = credited.get(lead_id)
            if mark_id is None:
                continue
            if kept in credited:
                extra_marks.append(mark_id)
            else:
                credited[kept] = mark_id
                conn.execute(
                    sa.text("UPDATE promotion_attributions SET object_id = :kept WHERE id = :id"),
                    {"kept": kept, "id": mark_id},
                )
    _delete(conn, "promotion_attributions", extra_marks)
    _delete(conn, "leads", extra_leads)


def _merge_join_attributions(conn) -> None:
    marks = conn.execute(
        sa.text(
            "SELECT a.id, a.request_id, a.user_id FROM promotion_attributions a"
            " LEFT JOIN memberships m ON m.id = a.object_id"
            " WHERE a.kind = 'membership' AND a.user_id IS NOT NULL"
            " ORDER BY a.request_id, a.user_id,"
            " CASE WHEN m.joined_at IS NULL THEN 1 ELSE 0 END, a.created_at, a.id"
        )
    ).all()
    extra = []
    for _person, rows in groupby(marks, key=lambda row: (row.request_id, row.user_id)):
        _kept, *others = [row.id for row in rows]
        extra.extend(others)
    _delete(conn, "promotion_attributions", extra)


def upgrade():
    conn = op.get_bind()
    _merge_interest_leads(conn)
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(
            "uq_leads_interest_participant",
            ["initiative_id", "participant_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'interest'"),
            postgresql_where=sa.text("kind = 'interest'"),
        )

    with op.batch_alter_table("promotion_attributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_promotion_attributions_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Whose action each mark was: the registration's, lead's or membership's person.
    for kind, table in (
        ("registration", "registrations"),
        ("lead", "leads"),
        ("membership", "memberships"),
    ):
        conn.execute(
            sa.text(
                f"UPDATE promotion_attributions SET user_id = (SELECT user_id FROM {table}"
                f" WHERE {table}.id = promotion_attributions.object_id) WHERE kind = :kind"
            ),
            {"kind": kind},
        )
    _merge_join_attributions(conn)
    with op.batch_alter_table("promotion_attributions", schema=None) as batch_op:
        batch_op.create_index(
            "uq_promotion_attributions_join_per_person",
            ["request_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("kind = 'membership'"),
            postgresql_where=sa.text("kind = 'membership'"),
        )


def downgrade():
    with op.batch_alter_table("promotion_attributions", schema=None) as batch_op:
        batch_op.drop_index("uq_promotion_attributions_join_per_person")
        batch_op.drop_constraint(
            batch_op.f("fk_promotion_attributions_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("user_id")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("uq_leads_interest_participant")
