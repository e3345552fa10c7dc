"""The kinds events and catalogs send: each reaches the right person once, with a working link,
and nobody else (never whoever acted)."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import utcnow
from events import planning, registering
from events.planning import EventDetails
from initiatives import catalog_items
from initiatives.models import CatalogItem
from notifications.kinds import (
    DONATION_CONFIRMED,
    EVENT_CANCELLED,
    EVENT_CHANGED,
    RESERVATION_EXPIRING,
    RESERVATION_RELEASED,
    WAITLIST_PROMOTION,
)
from notifications.models import Notification
from tests.test_events_factories import make_event
from tests.test_initiatives_support import catalog_fixture, reserve, uploads_fixture  # noqa: F401


def told(kind) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).where(Notification.kind == kind.name).order_by(Notification.id)
    return list(db.session.execute(query).scalars())


def assert_opens(login, person, notification, path: str) -> None:
    """The recipient opens it: marked read, and led to a page that answers."""
    client = login(person)
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    assert client.get(response.headers["Location"]).status_code == 200
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None


def registered(world, event, *roles) -> None:
    for role in roles:
        registering.register_for_event(world.users[role], event.id)
        db.session.commit()


# --- events -----------------------------------------------------------------------------


def test_a_freed_seat_tells_the_person_who_gets_it(world, login):
    event = make_event(world.users["leader"], world.community, capacity=1)
    registered(world, event, "member", "employee")  # the employee waits
    registering.cancel_registration(world.users["member"], event.id)
    db.session.commit()
    [note] = told(WAITLIST_PROMOTION)
    assert note.recipient_id == world.users["employee"].id
    assert_opens(login, world.users["employee"], note, f"/events/{event.id}")


def test_a_new_time_or_place_tells_everyone_registered_but_not_the_leader(world, login):
    leader = world.users["leader"]
    event = make_event(leader, world.community, capacity=2)
    registered(world, event, "leader", "member", "employee")  # the employee waits
    planning.update_event(leader, event.id, replace(EventDetails.of(event), title="Renamed"))
    db.session.commit()
    assert told(EVENT_CHANGED) == []  # the title is not news to the people coming
    planning.update_event(leader, event.id, replace(EventDetails.of(event), place="Hall 1"))
    db.session.commit()
    notes = told(EVENT_CHANGED)
    assert sorted(n.recipient_id for n in notes) == sorted(
        [world.users["member"].id, world.users["employee"].id]
    )
    assert_opens(login, world.users["member"], notes[0], f"/events/{event.id}")


def test_a_cancelled_event_tells_everyone_registered_once(world, login):
    leader = world.users["leader"]
    event = make_event(leader, world.community, capacity=1)
    registered(world, event, "member", "employee", "leader")
    planning.cancel_event(leader, event.id)
    db.session.commit()
    notes = told(EVENT_CANCELLED)
    assert sorted(n.recipient_id for n in notes) == sorted(
        [world.users["member"].id, world.users["employee"].id]
    )
    assert_opens(login, world.users["employee"], notes[-1], f"/events/{event.id}")


# --- the catalog ------------------------------------------------------------------------


def test_a_released_reservation_tells_the_reader_not_the_leader(catalog, login):
    item = catalog.offer()
    reserve(catalog, item, user=catalog.employee)
    catalog_items.release_reservation(catalog.leader, catalog.initiative, item.id)
    db.session.commit()
    [note] = told(RESERVATION_RELEASED)
    assert note.recipient_id == catalog.employee.id and note.subject == "Drive"
    assert_opens(login, catalog.employee, note, f"/initiatives/{catalog.initiative.id}")


def test_a_reservation_that_runs_out_tells_the_reader_once(catalog, runner):
    item = catalog.offer()
    reserve(catalog, item, user=catalog.employee)
    db.session.get(CatalogItem, item.id).reservation_expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    for _run in range(2):
        assert runner.invoke(args=["initiatives", "expire-reservations"]).exit_code == 0
    assert [n.recipient_id for n in told(RESERVATION_RELEASED)] == [catalog.employee.id]


def test_a_reservation_ending_tomorrow_is_reminded_once(catalog, runner, login):
    item = catalog.offer()
    later = catalog.offer("Peopleware")
    reserve(catalog, item, user=catalog.employee)
    reserve(catalog, later, user=catalog.leader)  # a week left: not yet
    db.session.get(CatalogItem, item.id).reservation_expires_at = utcnow() + timedelta(hours=20)
    db.session.commit()
    first = runner.invoke(args=["initiatives", "remind-reservations"])
    again = runner.invoke(args=["initiatives", "remind-reservations"])
    assert "1 reservation reminder(s) sent." in first.output
    assert "0 reservation reminder(s) sent." in again.output
    [note] = told(RESERVATION_EXPIRING)
    assert note.recipient_id == catalog.employee.id
    assert_opens(login, catalog.employee, note, f"/initiatives/{catalog.initiative.id}")


def test_a_confirmed_donation_tells_the_reader_not_the_leader(catalog, login):
    item = catalog.offer()
    reserve(catalog, item, user=catalog.employee)
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, "400")
    db.session.commit()
    [note] = told(DONATION_CONFIRMED)
    assert note.recipient_id == catalog.employee.id
    assert_opens(login, catalog.employee, note, f"/initiatives/{catalog.initiative.id}")
