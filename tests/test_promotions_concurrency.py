"""Several people acting on one brief at once: it moves once, and warns once."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core import commands
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from notifications.kinds import BRIEF_AT_RISK
from notifications.models import Notification
from promotions import links, services
from promotions.at_risk import check_at_risk
from promotions.models import (
    Attribution,
    BriefStatus,
    PromotionRequest,
    TrackedLink,
)
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import arriving_through, brief_in

THREADS = 8


def test_concurrent_accepts_move_the_brief_once(app):
    leader = make_user("lena@example.com", "Lena Leader")
    smm_people = [make_user(f"smm{i}@example.com", f"Smm {i}", is_smm=True) for i in range(THREADS)]
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm_people[0], make_community(leader))
    brief_id = brief.id
    clients = [app.test_client(user=person) for person in smm_people]  # signed in up front
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Event()
    answers: list[int] = []
    errors: list[BaseException] = []

    def accept(client):
        try:
            start.wait()
            response = client.post(f"/promotions/{brief_id}/status", data={"to": "accepted"})
            answers.append(response.status_code)
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=accept, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == [] and answers == [302] * THREADS
    brief = db.session.get(PromotionRequest, brief_id)
    assert brief.status == BriefStatus.ACCEPTED
    accepted = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.subject_id == brief_id, AuditEntry.detail == "submitted → accepted")
    ).scalar_one()
    assert accepted == 1


def test_simultaneous_at_risk_checks_warn_once(app):
    """Overlapping runs of the cron check, with people opening the outcome page meanwhile:
    the fall is recorded once and its people are warned once."""
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    brief = brief_in(BriefStatus.RUNNING, leader, smm, make_community(leader))
    today = utcnow().date()
    brief.publish_from, brief.publish_until = today - timedelta(days=8), today + timedelta(days=2)
    db.session.commit()
    brief_id = brief.id
    viewers = [leader, smm] * (THREADS // 4)
    clients = [app.test_client(user=person) for person in viewers]
    db.session.remove()
    start = threading.Event()
    answers: list[int] = []
    errors: list[BaseException] = []

    def view(client):
        try:
            start.wait()
            answers.append(client.get(f"/promotions/{brief_id}/outcome").status_code)
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    def check():
        try:
            start.wait()
            with app.app_context():
                with commands.transaction():
                    check_at_risk()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=view, args=(c,), daemon=True) for c in clients]
    threads += [threading.Thread(target=check, daemon=True) for _ in range(THREADS // 2)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == [] and answers == [200] * len(clients)
    warned = db.session.execute(
        select(Notification.recipient_id, Notification.url_args).where(
            Notification.kind == BRIEF_AT_RISK.name
        )
    ).all()
    assert sorted(person for person, args in warned if args["brief_id"] == brief_id) == sorted(
        [leader.id, smm.id]
    )
    recorded = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.subject_id == brief_id, AuditEntry.action == "brief.at_risk")
    ).scalar_one()
    assert recorded == 1


def test_concurrent_service_calls_move_the_brief_once(app):
    """Not only the view: any caller of services.transition (the demo, a CLI command) is
    safe, because the service takes the brief's lock itself."""
    leader = make_user("lena@example.com", "Lena Leader")
    smm_ids = [make_user(f"smm{i}@example.com", f"Smm {i}", is_smm=True).id for i in range(THREADS)]
    brief_id = brief_in(BriefStatus.SUBMITTED, leader, db.session.get(User, smm_ids[0]),
                        make_community(leader)).id  # fmt: skip
    db.session.remove()
    start = threading.Barrier(THREADS)
    moved: list[int] = []
    errors: list[BaseException] = []

    def accept(smm_id: int):
        try:
            with app.app_context():
                smm = db.session.get(User, smm_id)
                brief = db.session.get(PromotionRequest, brief_id)  # read before the lock
                start.wait(timeout=30)
                try:
                    with commands.transaction():
                        services.transition(smm, brief, BriefStatus.ACCEPTED)
                    moved.append(smm_id)
                except DomainError:
                    pass
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=accept, args=(i,), daemon=True) for i in smm_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == [] and len(moved) == 1
    accepted = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.subject_id == brief_id, AuditEntry.detail == "submitted → accepted")
    ).scalar_one()
    assert accepted == 1


@pytest.mark.postgres_only
def test_parallel_joins_by_one_person_are_credited_once(app, is_postgres):
    """Five memberships of one person arriving through one link at the same moment: the
    brief counts the person once (the unique index decides; the losers are told nothing)."""
    if not is_postgres:
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises them")
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    visitor_id = make_user("vera@example.com", "Vera Visitor").id
    community = make_community(leader)
    community_id = community.id
    brief = brief_in(BriefStatus.RUNNING, leader, smm, community)
    link_id = links.create_link(smm, brief.posts[0]).id
    db.session.commit()
    db.session.remove()
    start = threading.Barrier(5)
    errors: list[BaseException] = []

    def join(membership_id: int) -> None:
        try:
            start.wait(timeout=30)
            with app.app_context():
                visitor = db.session.get(User, visitor_id)
                with arriving_through(app, db.session.get(TrackedLink, link_id), visitor):
                    links.attribute(links.MEMBERSHIP, membership_id, visitor_id, community_id)
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=join, args=(900 + n,), daemon=True) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == []
    marks = db.session.execute(select(Attribution.user_id, Attribution.kind)).all()
    assert marks == [(visitor_id, links.MEMBERSHIP)]
