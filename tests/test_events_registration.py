"""Registration rules: seats, the waitlist, promotion, windows, and who may register."""

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import delete, select

from community import services as communities
from core.errors import DomainError
from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from core.permissions import can
from core.signals import event_registered
from events import attendance, mail, planning, queries, registering
from events.models import EventVisibility, RegistrationStatus
from events.planning import EventRuleError
from tests.conftest import make_community, make_user
from tests.test_events_factories import details, make_event, make_past_event, register


@pytest.fixture
def leader(app):
    return make_user("lead@example.com", "Lena Leader")


@pytest.fixture
def community(leader):
    return make_community(leader)


def people(count: int) -> list:
    return [make_user(f"person{n}@example.com", f"Person {n}") for n in range(count)]


def statuses(event) -> dict[str, str]:
    return {r.user.email: r.status.value for r in queries.attendees(event)}


def test_registration_takes_a_seat_until_the_event_is_full(leader, community):
    event = make_event(leader, community, capacity=2)
    first, second, third = people(3)

    assert register(first, event).status == RegistrationStatus.CONFIRMED
    assert register(second, event).status == RegistrationStatus.CONFIRMED
    waiting = register(third, event)

    assert waiting.status == RegistrationStatus.WAITLISTED
    assert queries.waitlist_position(waiting) == 1
    assert queries.count_by_status(event) == {
        RegistrationStatus.CONFIRMED: 2,
        RegistrationStatus.WAITLISTED: 1,
    }


def test_full_event_puts_next_people_on_waitlist_in_order(leader, community):
    event = make_event(leader, community, capacity=1)
    first, *waiting = people(4)
    register(first, event)

    positions = [queries.waitlist_position(register(person, event)) for person in waiting]

    assert positions == [1, 2, 3]


def test_cancellation_promotes_the_first_person_waiting(leader, community):
    event = make_event(leader, community, capacity=1)
    ann, bob, cat = people(3)
    register(ann, event)
    register(bob, event)
    register(cat, event)

    registering.cancel_registration(ann, event.id)
    db.session.commit()

    assert statuses(event) == {
        "person1@example.com": "confirmed",
        "person2@example.com": "waitlisted",
        "person0@example.com": "cancelled",
    }
    assert queries.waitlist_position(queries.registration_of(cat, event)) == 1


def test_leaving_the_waitlist_moves_the_others_up(leader, community):
    event = make_event(leader, community, capacity=1)
    ann, bob, cat = people(3)
    for person in (ann, bob, cat):
        register(person, event)

    registering.cancel_registration(bob, event.id)
    db.session.commit()

    assert queries.registration_of(ann, event).status == RegistrationStatus.CONFIRMED
    assert queries.waitlist_position(queries.registration_of(cat, event)) == 1


def test_registering_again_after_cancelling_joins_the_end_of_the_queue(leader, community):
    event = make_event(leader, community, capacity=1)
    ann, bob = people(2)
    register(ann, event)
    register(bob, event)
    registering.cancel_registration(ann, event.id)
    db.session.commit()

    again = register(ann, event)

    assert again.status == RegistrationStatus.WAITLISTED
    assert queries.waitlist_position(again) == 1
    assert queries.registration_of(bob, event).status == RegistrationStatus.CONFIRMED


def test_registering_twice_is_refused_with_a_message(leader, community):
    event = make_event(leader, community, capacity=1)
    ann, bob = people(2)
    register(ann, event)
    register(bob, event)

    with pytest.raises(DomainError, match="already registered"):
        registering.register_for_event(ann, event.id)
    db.session.rollback()
    with pytest.raises(DomainError, match="already on the waitlist"):
        registering.register_for_event(bob, event.id)


def test_an_event_without_capacity_never_fills(leader, community):
    event = make_event(leader, community, capacity=None)
    assert {register(p, event).status for p in people(12)} == {RegistrationStatus.CONFIRMED}


DAY = 24  # hours; the event starts 7 days from now


@pytest.mark.parametrize(
    ("window", "hours_from_now", "message"),
    [
        ({"registration_opens_at": 2 * DAY}, 1 * DAY, "has not opened yet"),
        ({"registration_closes_at": 1 * DAY}, 2 * DAY, "is closed"),
        ({}, 7 * DAY + 1, "is closed"),  # started: registration closes at the start by default
        ({}, 8 * DAY, "is over"),
    ],
    ids=["before-window", "after-window", "started", "past"],
)
def test_registration_outside_its_window_is_refused(
    leader, community, window, hours_from_now, message
):
    now = utcnow().replace(microsecond=0)
    event = make_event(
        leader,
        community,
        starts_at=now + timedelta(days=7),
        **{name: now + timedelta(hours=hours) for name, hours in window.items()},
    )
    person = make_user("ann@example.com")

    with pytest.raises(DomainError, match=message):
        registering.register_for_event(person, event.id, now=now + timedelta(hours=hours_from_now))


def test_a_cancelled_event_takes_no_registrations(leader, community):
    event = make_event(leader, community)
    planning.cancel_event(leader, event.id)
    db.session.commit()

    with pytest.raises(DomainError, match="was cancelled"):
        registering.register_for_event(make_user("ann@example.com"), event.id)


def test_more_seats_promote_people_from_the_waitlist(leader, community):
    event = make_event(leader, community, capacity=1)
    ann, bob, cat = people(3)
    for person in (ann, bob, cat):
        register(person, event)

    planning.update_event(leader, event.id, details(starts_at=event.starts_at, capacity=3))
    db.session.commit()

    assert set(statuses(event).values()) == {"confirmed"}


def test_capacity_cannot_drop_below_the_people_registered(leader, community):
    event = make_event(leader, community, capacity=3)
    for person in people(2):
        register(person, event)

    with pytest.raises(EventRuleError, match="2 people are already registered") as raised:
        planning.update_event(leader, event.id, details(starts_at=event.starts_at, capacity=1))
    assert raised.value.field == "capacity"


def test_registering_sends_a_signal_with_the_registration(leader, community):
    event = make_event(leader, community, capacity=1)
    heard = []

    def listener(sender, registration):
        heard.append((sender.id, registration.user.email, registration.status.value))

    with event_registered.connected_to(listener):
        register(make_user("ann@example.com"), event)
        register(make_user("bob@example.com"), event)

    assert heard == [
        (event.id, "ann@example.com", "confirmed"),
        (event.id, "bob@example.com", "waitlisted"),
    ]


def test_attendance_counts_only_confirmed_people(leader, community):
    event = make_past_event(leader, community, capacity=2)
    before = event.starts_at - timedelta(days=1)
    ann, bob, cat = people(3)
    for person in (ann, bob, cat):
        register(person, event, now=before)

    came = attendance.mark_attendance(leader, event, {ann.id, cat.id})
    db.session.commit()

    assert came == 1  # cat is on the waitlist, so cannot have attended
    assert queries.attended_count(event) == 1


def test_attendance_waits_for_the_event_to_start(leader, community):
    event = make_event(leader, community)
    with pytest.raises(DomainError, match="once the event has started"):
        attendance.mark_attendance(leader, event, set())


def test_members_only_event_is_hidden_from_other_employees(leader, community):
    event = make_event(leader, community, visibility=EventVisibility.MEMBERS)
    member, outsider = make_user("member@example.com"), make_user("out@example.com")
    communities.join_community(member, community)
    db.session.commit()

    assert can(member, "events.view", event) and can(member, "events.register", event)
    assert not can(outsider, "events.view", event)
    visible = db.session.execute(queries.events_query(outsider)).scalars().all()
    assert event not in visible
    assert event in db.session.execute(queries.events_query(member)).scalars().all()


def test_only_leaders_run_events(leader, community):
    event = make_event(leader, community)
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()

    assert can(leader, "events.create", community) and can(leader, "events.manage", event)
    assert not can(member, "events.create", community)
    assert not can(member, "events.manage", event)


def test_duplicate_of_a_past_event_moves_to_the_future(leader, community):
    event = make_past_event(leader, community, days_ago=10)

    copy = planning.copy_details(event)

    assert copy.starts_at > utcnow()
    assert copy.starts_at.weekday() == event.starts_at.weekday()
    assert copy.ends_at - copy.starts_at == event.ends_at - event.starts_at
    assert copy.title == event.title and copy.capacity == event.capacity


def test_a_sign_up_locks_its_event_first_and_writes_only_its_own_rows_under_the_lock(
    leader, community, count_queries, is_postgres
):
    """Sign-ups for one event queue on its row lock (bench/README.md, "Burst"): the lock
    comes before any write, it is the event's row alone, and under it a sign-up writes only
    the registration and its queued confirmation (with the .ics)."""
    if not is_postgres:
        pytest.skip("SQLite takes the whole database's write lock, not a row's")
    event = make_event(leader, community, capacity=10)
    person = people(1)[0]
    communities.join_community(person, community)
    db.session.commit()
    with count_queries() as statements:
        registering.register_for_event(person, event.id)
        db.session.commit()
    locking = [sql for sql in statements if "FOR UPDATE" in sql]
    lock_at = statements.index(locking[0])
    assert {_table_read(sql) for sql in locking} == {"events"}
    assert {_table_written(sql) for sql in statements[:lock_at]} == {None}  # nothing before
    written = {_table_written(sql) for sql in statements[lock_at:]} - {None}
    assert written == {"registrations", "outgoing_emails", "email_attachments"}


def _table_read(sql: str) -> str:
    return re.search(r"\bFROM\s+(\w+)", sql).group(1)


def _table_written(sql: str) -> str | None:
    found = re.match(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", sql, re.IGNORECASE)
    return found.group(1) if found else None


# --- the message rendered before the lock -----------------------------------------------


def _queued_for(person) -> list:
    return list(
        db.session.execute(
            select(OutgoingEmail).where(OutgoingEmail.to_address == person.email)
        ).scalars()
    )


def test_a_sign_up_renders_its_message_once_before_it_takes_the_lock(
    leader, community, monkeypatch
):
    """Sign-ups queue on the event's row lock: the message is rendered before it, and
    only then (through the page too)."""
    event = make_event(leader, community, capacity=10)
    first, second = people(2)
    steps = []
    real_prepare, real_lock = mail.prepare_email, registering.lock_row

    def prepare(*args, **kwargs):
        steps.append("render")
        return real_prepare(*args, **kwargs)

    def lock(*args, **kwargs):
        steps.append("lock")
        return real_lock(*args, **kwargs)

    monkeypatch.setattr(mail, "prepare_email", prepare)
    monkeypatch.setattr(registering, "lock_row", lock)
    register(first, event)
    assert steps == ["render", "lock"]
    steps.clear()
    communities.join_community(second, community)
    db.session.commit()
    app_client = current_app.test_client(user=second)
    assert app_client.post(f"/events/{event.id}/register").status_code == 302
    assert steps == ["render", "lock"]

    for person in (first, second):
        (message,) = _queued_for(person)
        assert message.subject == f"You are registered: {event.title}"
        assert [a.filename for a in message.attachments] == ["event.ics"]


def test_a_seat_taken_while_the_message_was_rendered_gets_the_waitlist_notice(
    leader, community, monkeypatch
):
    """The seats read before the lock said "free"; under the lock the last seat is gone:
    the person is on the waitlist and hears so, once, without a calendar file."""
    event = make_event(leader, community, capacity=1)
    first, second = people(2)
    register(first, event)
    real_count = registering.count_by_status
    reads = []

    def count_as_before_the_first(event_):
        reads.append(event_.id)
        return {} if len(reads) == 1 else real_count(event_)  # the read before the lock

    monkeypatch.setattr(registering, "count_by_status", count_as_before_the_first)
    registration = register(second, event)

    assert registration.status == RegistrationStatus.WAITLISTED
    assert len(reads) == 2
    (message,) = _queued_for(second)
    assert message.subject == f"You are on the waitlist: {event.title}"
    assert message.attachments == []


def test_an_event_changed_after_the_message_was_rendered_is_rendered_again(leader, community):
    event = make_event(leader, community, capacity=5)
    person = people(1)[0]
    ahead = mail.prepare_registration_mail(person, event, RegistrationStatus.CONFIRMED)
    event.title = "Moved to the big hall"
    db.session.commit()
    registration = register(person, event)  # renders its own ahead, then queues
    db.session.execute(delete(OutgoingEmail))

    mail.email_registration(registration, ahead)  # the earlier one, for the old title

    (message,) = _queued_for(person)
    assert message.subject == "You are registered: Moved to the big hall"
