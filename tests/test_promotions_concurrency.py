"""SMM people pressing "Accept" at once: the brief moves once, and once only."""

import threading

from sqlalchemy import func, select

from core.audit import AuditEntry
from core.extensions import db
from promotions.models import BriefStatus, PromotionRequest
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import brief_in

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
