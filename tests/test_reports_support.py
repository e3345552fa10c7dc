"""The reports tests' history: a small community's members over September–November 2026,
and a season of activity around them (no tests in this module)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from accounts.models import User
from community import services as communities
from core.extensions import db
from events import attendance
from initiatives import catalog_items, editing, leads, participants
from initiatives.models import InitiativeKind, InitiativeStatus, LeadKind
from promotions import services as promotions
from promotions.models import BriefStatus
from reports.periods import Period
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, register
from tests.test_initiatives_support import confirm_reserved
from tests.test_promotions_factories import brief_in

OCTOBER = Period.containing("month", date(2026, 10, 1))
SEPTEMBER = OCTOBER.previous()
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@pytest.fixture(name="history")
def history_fixture(app):
    leader = make_user("lead@example.com")
    community = make_community(leader)
    # The leader's own membership starts now (2026-11 or later), after every period below.
    ann, bob, cat, dan = (make_user(f"{n}@example.com") for n in ("ann", "bob", "cat", "dan"))
    communities.join_community(ann, community, at=at("2026-09-15"))
    communities.join_community(bob, community, at=at("2026-09-30", 23))
    communities.join_community(cat, community, at=at("2026-10-01", 0))  # first hour of October
    communities.leave_community(bob, community, at=at("2026-10-10"))
    communities.join_community(bob, community, at=at("2026-10-20"))  # re-join
    communities.join_community(dan, community, at=at("2026-10-31", 23))
    communities.leave_community(ann, community, at=at("2026-11-01", 0))
    db.session.commit()
    return community


@pytest.fixture(name="season")
def season_fixture(history):
    """October's events, catalog, leads and promotions around the history above."""
    by_email = {u.email.split("@")[0]: u for u in users()}
    leader, ann, bob, cat, dan = (by_email[n] for n in ("lead", "ann", "bob", "cat", "dan"))
    eve = make_user("eve@example.com")  # never a member
    smm = make_user("smm@example.com", is_smm=True)

    kick_off = make_event(leader, history, title="Kick-off", starts_at=at("2026-09-20", 16))
    retro = make_event(leader, history, title="Retro", starts_at=at("2026-10-08", 16))
    workshop = make_event(leader, history, title="Workshop", starts_at=at("2026-10-22", 16))
    dropped = make_event(leader, history, title="Dropped", starts_at=at("2026-10-28", 16))
    for person, event, when in [
        (ann, kick_off, at("2026-09-16")),
        (ann, retro, at("2026-10-02")),
        (eve, retro, at("2026-10-03")),
        (bob, workshop, at("2026-10-21")),
        (ann, workshop, at("2026-10-21")),
        (eve, workshop, at("2026-10-21")),
        (eve, dropped, at("2026-10-21")),
    ]:
        register(person, event, now=when)
    attendance.mark_attendance(leader, kick_off, {ann.id}, now=at("2026-09-20", 18))
    attendance.mark_attendance(leader, retro, {ann.id}, now=at("2026-10-08", 18))
    dropped.cancelled_at = at("2026-10-27")
    db.session.commit()

    sale = editing.create_initiative(
        leader, history, title="Book Sale", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE, starts_on=date(2026, 9, 1),
    )  # fmt: skip
    editing.create_initiative(leader, history, title="Mentoring")  # a draft
    editing.create_initiative(
        leader, history, title="Summer picnic", status=InitiativeStatus.CLOSED,
        starts_on=date(2026, 7, 1), ends_on=date(2026, 8, 31),
    )  # fmt: skip
    books = [
        catalog_items.offer_item(sale, title=title, category="Leadership", user=ann)
        for title in ("PMBOK", "Scrum", "Drive", "Old notes", "Later")
    ]
    for book, added in zip(books, ["2026-09-02", "2026-09-03", "2026-10-10", "2026-10-12",
                                   "2026-11-02"], strict=True):  # fmt: skip
        book.created_at = at(added)
    db.session.commit()
    # Each catalog change locks its item first, in a transaction of its own.
    for book, amount, when in [(books[0], 300, "2026-09-20"), (books[1], "450.50", "2026-10-05")]:
        confirm_reserved(leader, sale, book.id, amount).exchanged_at = at(when)
        db.session.commit()
    catalog_items.withdraw_item(leader, sale, books[3].id)
    db.session.commit()

    outsider = participants.Outsider("Petro", "petro@elsewhere.example")
    for person, when in [
        (outsider, "2026-10-12"),
        (participants.Outsider("Iva", "iva@elsewhere.example"), "2026-09-25"),
    ]:
        leads.register_interest(sale, person).created_at = at(when)  # fmt: skip
    leads.register_interest(sale, outsider)  # again, later: still his one lead
    # dan shows interest a fortnight before he joins: not yet a member's activity.
    leads.record_lead(sale, LeadKind.INTEREST, user=dan).created_at = at("2026-10-15")

    stories = brief_in(BriefStatus.CLOSED, leader, smm, history)
    teaser = brief_in(BriefStatus.SCHEDULED, leader, smm, history)
    idea = brief_in(BriefStatus.SUBMITTED, leader, smm, history)
    for brief, title, first, last in [
        (stories, "Book sale stories", date(2026, 10, 13), date(2026, 10, 20)),
        (teaser, "Teaser", date(2026, 9, 28), date(2026, 10, 2)),
        (idea, "Not accepted yet", date(2026, 10, 1), date(2026, 10, 31)),
    ]:
        brief.title, brief.publish_from, brief.publish_until = title, first, last
    stories.final_actual = 44  # the leads SMM's report counted (target 40)
    promotions.add_comment(cat, stories, "Shall I bring my books?").created_at = at("2026-10-25")
    db.session.commit()
    return history


def users():
    return db.session.execute(select(User)).scalars()


def user(name: str) -> User:
    return next(user for user in users() if user.email == f"{name}@example.com")
