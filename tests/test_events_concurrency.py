"""Concurrent sign-ups and cancellations never oversell an event (PostgreSQL and SQLite)."""

import threading

import pytest

from accounts.models import User
from core.extensions import db
from events import queries, registering
from events.models import Registration, RegistrationStatus
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, register

THREADS = 50
SEATS = 10


def run_together(app, work: list) -> list[BaseException]:
    """Run each callable in its own thread and app context, all released at once."""
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Event()
    errors: list[BaseException] = []

    def run(action):
        try:
            start.wait()
            with app.app_context():
                action()
                db.session.commit()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,), daemon=True) for action in work]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def registrations_in_queue_order(event_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.requested_at, Registration.id)
        ).scalars()
    )


def check_queue_is_consistent(event_id: int) -> tuple[list, list]:
    """SEATS confirmed, the waitlist numbered 1..N, seats first come first served."""
    active = [r for r in registrations_in_queue_order(event_id) if r.is_active]
    confirmed = [r for r in active if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in active if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == SEATS
    assert [queries.waitlist_position(r) for r in waiting] == list(range(1, len(waiting) + 1))
    # Whoever asked earlier is never behind someone who asked later.
    assert active[:SEATS] == confirmed
    return confirmed, waiting


@pytest.fixture
def event(app):
    leader = make_user("lead@example.com")
    return make_event(leader, make_community(leader), capacity=SEATS)


def test_fifty_simultaneous_sign_ups_fill_ten_seats_exactly(app, event):
    event_id = event.id
    user_ids = [make_user(f"p{n}@example.com").id for n in range(THREADS)]

    def sign_up(user_id):
        return lambda: registering.register_for_event(db.session.get(User, user_id), event_id)

    errors = run_together(app, [sign_up(user_id) for user_id in user_ids])

    assert errors == []
    confirmed, waiting = check_queue_is_consistent(event_id)
    assert len(waiting) == THREADS - SEATS
    assert {r.user_id for r in confirmed + waiting} == set(user_ids)


def test_simultaneous_cancellations_and_sign_ups_promote_in_order(app, event):
    event_id = event.id
    registered = [make_user(f"p{n}@example.com") for n in range(35)]
    for person in registered:
        register(person, event)  # 10 seats, 25 waiting
    leaving = registered[:SEATS] + registered[SEATS : SEATS + 15 : 3]  # every seat, 5 waiting
    newcomers = [make_user(f"new{n}@example.com") for n in range(THREADS - len(leaving))]
    leaving_ids = [person.id for person in leaving]
    newcomer_ids = [person.id for person in newcomers]

    def cancel(user_id):
        return lambda: registering.cancel_registration(db.session.get(User, user_id), event_id)

    def sign_up(user_id):
        return lambda: registering.register_for_event(db.session.get(User, user_id), event_id)

    work = [cancel(i) for i in leaving_ids] + [sign_up(i) for i in newcomer_ids]
    assert len(work) >= THREADS
    errors = run_together(app, work)

    assert errors == []
    confirmed, waiting = check_queue_is_consistent(event_id)
    remaining = [r for r in registrations_in_queue_order(event_id) if r.is_active]
    assert {r.user_id for r in remaining}.isdisjoint(leaving_ids)
    assert len(remaining) == 35 - len(leaving_ids) + len(newcomer_ids)
    # The seats went to the people who had waited longest, not to the newcomers.
    assert {r.user_id for r in confirmed}.isdisjoint(newcomer_ids)
