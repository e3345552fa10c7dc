"""Revision 0015 merges what it makes unique: repeated interest leads, repeated join credits."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import create_app
from community import services as communities
from core.extensions import db
from initiatives import editing
from initiatives.models import Lead, LeadKind, Participant
from promotions.models import BriefStatus
from tests.conftest import make_community, make_user, test_config
from tests.test_migrations import empty_database_url  # noqa: F401
from tests.test_promotions_factories import brief_in


def _credit(brief, kind: str, object_id: int) -> None:
    # Written as the table was before 0015: no person column yet.
    db.session.execute(
        text(
            "INSERT INTO promotion_attributions (request_id, channel_id, kind, object_id,"
            " created_at) VALUES (:brief, :channel, :kind, :object, CURRENT_TIMESTAMP)"
        ),
        {"brief": brief.id, "channel": brief.channels[0].id, "kind": kind, "object": object_id},
    )


# Columns later revisions add (0021_profiles to `users`, 0024_payment_instructions to
# `initiatives`, 0025_conversations to `communities`, 0030_employee_interest to `leads`):
# the services that build the data below load rows through today's models, so the columns
# stand in while they run, and go before the upgrade adds them for real.
LATER_COLUMNS = {
    ("users", "job_title"): "VARCHAR(120)",
    ("users", "team"): "VARCHAR(120)",
    ("users", "avatar_file"): "VARCHAR(80)",
    ("users", "avatar_hidden"): "BOOLEAN NOT NULL DEFAULT FALSE",
    ("users", "time_zone"): "VARCHAR(64)",
    ("communities", "hold_first_posts"): "INTEGER NOT NULL DEFAULT 0",
    ("communities", "logo_file"): "VARCHAR(80)",
    ("communities", "cover_file"): "VARCHAR(80)",
    ("communities", "public_page"): "BOOLEAN NOT NULL DEFAULT FALSE",
    ("initiatives", "payment_instructions"): "TEXT NOT NULL DEFAULT ''",
    ("initiatives", "payment_instructions_html"): "TEXT NOT NULL DEFAULT ''",
    ("leads", "withdrawn_at"): "TIMESTAMP",
}


def _alter_later_columns(statement: str) -> None:
    for (table, name), kind in LATER_COLUMNS.items():
        db.session.execute(text(statement.format(table=table, name=name, kind=kind)))
    db.session.commit()


def test_upgrade_keeps_one_interest_lead_and_one_join_per_person(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="0010")  # the revision before 0015_counted_once
        _alter_later_columns("ALTER TABLE {table} ADD COLUMN {name} {kind}")
        leader, visitor = make_user("lena@example.com"), make_user("vera@example.com")
        community = make_community(leader)
        first = communities.join_community(visitor, community)
        communities.leave_community(visitor, community)
        db.session.commit()
        second = communities.join_community(visitor, community)
        initiative = editing.create_initiative(leader, community, title="Mentoring")
        olha = Participant(name="Olha", email="olha@elsewhere.example")
        db.session.add(olha)
        leads = [
            Lead(initiative=initiative, participant=olha, kind=kind, source=source)
            for kind, source in [
                (LeadKind.INTEREST, None),  # kept, and given the first source of the others
                (LeadKind.INTEREST, "facebook"),
                (LeadKind.INTEREST, "instagram"),
                (LeadKind.CONTRIBUTION, None),
            ]
        ]
        db.session.add_all(leads)
        db.session.commit()
        brief = brief_in(BriefStatus.SUBMITTED, leader, None, community)
        for kind, object_id in [
            ("membership", first.id),
            ("membership", second.id),
            ("lead", leads[1].id),  # a repeated interest's credit moves to the first one
            ("lead", leads[2].id),
        ]:
            _credit(brief, kind, object_id)
        db.session.commit()
        ids = [first.id, visitor.id] + [lead.id for lead in leads]
        db.session.remove()
        _alter_later_columns("ALTER TABLE {table} DROP COLUMN {name}")

        upgrade(revision="heads")
        first_id, visitor_id, kept, *_repeated, contribution = ids
        remaining = db.session.execute(select(Lead.id).order_by(Lead.id)).scalars().all()
        assert remaining == [kept, contribution]
        assert db.session.get(Lead, kept).source == "facebook"
        credits = db.session.execute(
            text("SELECT kind, object_id, user_id FROM promotion_attributions ORDER BY kind")
        ).all()
        assert [tuple(row) for row in credits] == [
            ("lead", kept, None),
            ("membership", first_id, visitor_id),
        ]
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
