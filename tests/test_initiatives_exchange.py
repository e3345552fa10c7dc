"""The exchange flow through the services: requesting, confirming, releasing, withdrawing
and approving books, and the totals counted from them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from initiatives import (
    catalog_items,
    counts,
    editing,
    leads,
    participants,
    reservations,
)
from initiatives.models import CatalogItem, ItemStatus
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    audit_actions,
    catalog_fixture,
    confirm_reserved,
    uploads_fixture,
)

OUTSIDER = participants.Outsider("Olha Outside", "Olha@Elsewhere.example", source="instagram-story")


def test_request_reserves_the_book_with_the_pledge(catalog):
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged="400", user=catalog.employee)
    db.session.commit()

    item = db.session.get(CatalogItem, item.id)
    assert item.status == ItemStatus.RESERVED
    assert item.reserved_by_user_id == catalog.employee.id
    assert item.pledged_amount == Decimal("400.00")
    assert item.reservation_expires_at - item.reserved_at == timedelta(days=7)
    assert audit_actions(item) == ["catalog_item.offered", "catalog_item.reserved"]


def test_a_reserved_book_cannot_be_requested_again(catalog):
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged=300, user=catalog.employee)
    db.session.commit()
    with pytest.raises(DomainError, match="just reserved"):
        reservations.request_item(catalog.initiative.id, item.id, pledged=300, outsider=OUTSIDER)


def test_confirming_the_donation_exchanges_the_book_and_audits_the_amount(catalog):
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged=300, user=catalog.employee)
    db.session.commit()
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, "325.50")
    db.session.commit()

    item = db.session.get(CatalogItem, item.id)
    assert item.status == ItemStatus.EXCHANGED
    assert item.donation_amount == Decimal("325.50")
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "catalog_item.exchanged")
    ).scalar_one()
    assert entry.actor_id == catalog.leader.id
    assert "325.50 UAH" in entry.detail


@pytest.mark.parametrize("amount", ["-5", "0", "1000001", "NaN", "lots"])
def test_absurd_donations_are_refused(catalog, amount):
    item = catalog.offer()
    with pytest.raises(DomainError):
        confirm_reserved(catalog.leader, catalog.initiative, item.id, amount)
    db.session.rollback()
    with pytest.raises(DomainError):
        reservations.request_item(
            catalog.initiative.id, item.id, pledged=amount, user=catalog.employee
        )


def test_release_and_withdraw_change_status_and_are_audited(catalog):
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged=300, user=catalog.employee)
    db.session.commit()
    catalog_items.release_reservation(catalog.leader, catalog.initiative, item.id)
    db.session.commit()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE
    assert db.session.get(CatalogItem, item.id).reserved_by_user_id is None
    catalog_items.withdraw_item(catalog.leader, catalog.initiative, item.id)
    db.session.commit()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.WITHDRAWN
    assert audit_actions(item)[-2:] == ["catalog_item.available", "catalog_item.withdrawn"]
    with pytest.raises(DomainError):
        catalog_items.withdraw_item(catalog.leader, catalog.initiative, item.id)


def test_an_available_book_cannot_be_exchanged_before_someone_requests_it(catalog):
    item = catalog.offer()
    with pytest.raises(DomainError, match="Only a reserved book can be exchanged"):
        catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, 300)
    db.session.rollback()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE


def test_an_exchanged_book_cannot_be_withdrawn_or_released(catalog):
    item = catalog.offer()
    confirm_reserved(catalog.leader, catalog.initiative, item.id, 300)
    db.session.commit()
    with pytest.raises(DomainError):
        catalog_items.withdraw_item(catalog.leader, catalog.initiative, item.id)
    db.session.rollback()
    with pytest.raises(DomainError):
        catalog_items.release_reservation(catalog.leader, catalog.initiative, item.id)


def test_outsiders_books_wait_for_approval_and_count_only_once_approved(catalog):
    item = catalog.offer("Peopleware", user=None, outsider=OUTSIDER)
    assert item.status == ItemStatus.PENDING
    assert counts.totals(catalog.initiative).items == 0
    catalog_items.approve_item(catalog.leader, catalog.initiative, item.id)
    db.session.commit()
    totals = counts.totals(catalog.initiative)
    assert (totals.items, totals.outside_contributors) == (1, 1)


def test_totals_are_counted_from_the_items(catalog):
    amounts = [300, 350, 430]
    items = [catalog.offer(f"Book {n}", category="PMBOK") for n in range(5)]
    for item, amount in zip(items, amounts, strict=False):
        confirm_reserved(catalog.leader, catalog.initiative, item.id, amount)
        db.session.commit()
    catalog_items.withdraw_item(catalog.leader, catalog.initiative, items[4].id)
    db.session.commit()

    totals = counts.totals(catalog.initiative)
    assert (totals.items, totals.exchanged, totals.donations) == (4, 3, Decimal("1080.00"))
    [pmbok] = counts.totals_by_category(catalog.initiative)
    assert (pmbok.category, pmbok.items, pmbok.exchanged, pmbok.donations) == ("PMBOK", 4, 3, 1080)
    [(day, count, amount)] = counts.donations_by_day(catalog.initiative)
    assert (day, count, amount) == (utcnow().date(), 3, Decimal(1080))


def test_a_draft_or_closed_initiative_takes_no_requests(catalog):
    item = catalog.offer()
    editing.update_initiative(catalog.leader, catalog.initiative, status="closed")
    db.session.commit()
    with pytest.raises(DomainError, match="not open"):
        reservations.request_item(
            catalog.initiative.id, item.id, pledged=300, user=catalog.employee
        )
    db.session.rollback()
    with pytest.raises(DomainError, match="not open"):
        leads.register_interest(catalog.initiative, OUTSIDER)


@pytest.mark.parametrize("status", [ItemStatus.EXCHANGED, ItemStatus.WITHDRAWN])
def test_a_book_that_is_not_available_cannot_be_requested(catalog, status):
    item = catalog.offer()
    if status == ItemStatus.EXCHANGED:
        confirm_reserved(catalog.leader, catalog.initiative, item.id, 300)
    else:
        catalog_items.withdraw_item(catalog.leader, catalog.initiative, item.id)
    db.session.commit()
    with pytest.raises(DomainError, match="This book is not available."):
        reservations.request_item(
            catalog.initiative.id, item.id, pledged=300, user=catalog.employee
        )
    db.session.rollback()
    item = db.session.get(CatalogItem, item.id)
    assert item.status == status and item.reserved_by_user_id != catalog.employee.id


def test_an_archived_communitys_initiative_takes_no_one(catalog):
    from community.services import archive_community

    item = catalog.offer()
    archive_community(catalog.leader, catalog.community)
    db.session.commit()
    with pytest.raises(DomainError, match="not open"):
        leads.register_interest(catalog.initiative, OUTSIDER)
    db.session.rollback()
    with pytest.raises(DomainError, match="not open"):
        reservations.request_item(
            catalog.initiative.id, item.id, pledged=300, user=catalog.employee
        )
    db.session.rollback()
    with pytest.raises(DomainError, match="not open"):
        catalog_items.offer_item(catalog.initiative, title="Drive", category="Leadership",
                            user=catalog.leader)  # fmt: skip
