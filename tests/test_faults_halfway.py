"""A request that fails half-way leaves nothing half-written: a failure is injected right
after the first write of a registration, a reservation and a brief transition."""

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.extensions import db
from core.signals import event_registered
from events.models import Registration
from initiatives import catalog_items, editing, reservations
from initiatives.models import CatalogItem, ItemCondition, ItemStatus, Lead
from promotions import services as promotions
from promotions.models import BriefStatus, PromotionRequest
from tests.test_events_factories import make_event
from tests.test_faults import report_survived
from tests.test_promotions_factories import brief_in


class InjectedFault(RuntimeError):
    pass


def fail(*args, **kwargs):
    raise InjectedFault("the process died here")


@pytest.fixture
def served(app, monkeypatch):
    """Errors are answered with the 500 page (which rolls back), as in production."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_registration_that_fails_after_its_insert_leaves_no_seat_taken(
    world, login, served, capsys
):
    event = make_event(world.users["leader"], world.community, capacity=1)
    with event_registered.connected_to(fail):
        response = login(world.users["member"]).post(f"/events/{event.id}/register")
    assert response.status_code == 500
    db.session.expire_all()
    assert count(Registration) == 0
    # and the seat is still there for the next person
    assert login(world.users["leader"]).post(f"/events/{event.id}/register").status_code == 302
    assert count(Registration) == 1
    report_survived(capsys, "registration failing after its insert")


def test_a_reservation_that_fails_after_the_status_change_keeps_the_book(
    world, login, served, monkeypatch, capsys
):
    catalog = editing.create_initiative(
        world.users["leader"], world.community, title="Charity Book Sale", kind="catalog",
        status="active",
    )  # fmt: skip
    leader = world.users["leader"]
    item = catalog_items.offer_item(
        catalog, title="Drive", category="Leadership", condition=ItemCondition.GOOD, user=leader
    )
    db.session.commit()
    audits_before, leads_before = count(AuditEntry), count(Lead)
    monkeypatch.setattr(reservations, "record_lead", fail)
    response = login(world.users["member"]).post(
        f"/initiatives/{catalog.id}/items/{item.id}/request", data={"pledged": "300"}
    )
    assert response.status_code == 500
    db.session.expire_all()
    book = db.session.get(CatalogItem, item.id)
    assert book.status == ItemStatus.AVAILABLE and book.reserved_by_user_id is None
    assert (count(AuditEntry), count(Lead)) == (audits_before, leads_before)
    report_survived(capsys, "reservation failing after its status change")


def test_a_brief_transition_that_fails_after_the_status_change_stays_where_it_was(
    world, login, served, monkeypatch, capsys
):
    leader, smm = world.users["leader"], world.users["smm"]
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    db.session.commit()
    audits_before = count(AuditEntry)
    monkeypatch.setattr(promotions, "_notify", fail)
    response = login(smm).post(f"/promotions/{brief.id}/status", data={"to": "accepted"})
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.SUBMITTED
    assert count(AuditEntry) == audits_before
    report_survived(capsys, "brief transition failing after its status change")
