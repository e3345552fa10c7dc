"""Reservations through the services: running out (and what pages show meanwhile), and how
many books one person may hold."""

from datetime import timedelta

import pytest

from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from initiatives import (
    catalog_items,
    participants,
    reservations,
)
from initiatives.models import CatalogItem, ItemStatus, Participant
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    audit_actions,
    catalog_fixture,
    reserve,
    uploads_fixture,
)

OUTSIDER = participants.Outsider("Olha Outside", "Olha@Elsewhere.example", source="instagram-story")


def test_reservations_expire_after_the_initiatives_number_of_days(catalog, runner):
    item = catalog.offer()
    reserved_at = utcnow() - timedelta(days=8)
    reservations.request_item(
        catalog.initiative.id, item.id, pledged=300, user=catalog.employee, now=reserved_at
    )
    fresh = catalog.offer("Peopleware")
    reservations.request_item(catalog.initiative.id, fresh.id, pledged=300, user=catalog.employee)
    db.session.commit()

    result = runner.invoke(args=["initiatives", "expire-reservations"])
    assert "1 reservation(s) expired" in result.output
    db.session.expire_all()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE
    assert db.session.get(CatalogItem, fresh.id).status == ItemStatus.RESERVED
    assert audit_actions(item)[-1] == "catalog_item.available"


def test_an_expired_reservation_gives_way_to_the_next_request(catalog):
    item = catalog.offer()
    reservations.request_item(
        catalog.initiative.id,
        item.id,
        pledged=300,
        user=catalog.employee,
        now=utcnow() - timedelta(days=30),
    )
    db.session.commit()
    reservations.request_item(catalog.initiative.id, item.id, pledged=300, outsider=OUTSIDER)
    db.session.commit()
    item = db.session.get(CatalogItem, item.id)
    assert item.reserved_by_participant.email == "olha@elsewhere.example"


WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_run_out_reservation_shows_as_available_and_opening_the_catalog_writes_nothing(
    catalog, login, count_queries
):
    item = catalog.offer()
    reservations.request_item(
        catalog.initiative.id,
        item.id,
        pledged=300,
        user=catalog.employee,
        now=utcnow() - timedelta(days=30),
    )
    db.session.commit()
    request_link = f"/initiatives/{catalog.initiative.id}/items/{item.id}/request"
    with count_queries() as statements:
        member_page = login(catalog.employee).get(f"/initiatives/{catalog.initiative.id}")
        leader_page = login(catalog.leader).get(f"/initiatives/{catalog.initiative.id}")
        public_page = login(None).get(f"/public/initiatives/{catalog.initiative.id}")
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
    assert member_page.status_code == leader_page.status_code == public_page.status_code == 200
    assert request_link in member_page.text  # available to request again
    assert "Reserved by" not in leader_page.text
    assert f"/public/initiatives/{catalog.initiative.id}/items/{item.id}/request" in (
        public_page.text
    )
    db.session.expire_all()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.RESERVED  # until a command


# --- one person, one share ----------------------------------------------------------


def test_an_employee_holds_at_most_three_books_of_a_catalog(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(6)]
    for book in books[:3]:
        reserve(catalog, book, user=catalog.employee)
    with pytest.raises(DomainError, match="already hold 3 reserved books here"):
        reservations.request_item(
            catalog.initiative.id, books[3].id, pledged=1, user=catalog.employee
        )
    db.session.rollback()
    assert db.session.get(CatalogItem, books[3].id).status == ItemStatus.AVAILABLE
    # Someone else still may; and once a donation arrives, the employee may take one more.
    reserve(catalog, books[4], user=catalog.leader)
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, books[0].id, 300)
    db.session.commit()
    reserve(catalog, books[3], user=catalog.employee)
    assert db.session.get(CatalogItem, books[3].id).status == ItemStatus.RESERVED


def test_an_outside_email_holds_at_most_three_books_whatever_its_case(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(5)]
    for book, email in zip(books[:3], ["olha@x.example", "OLHA@x.example", "Olha@X.Example"],
                           strict=True):  # fmt: skip
        reserve(catalog, book, outsider=participants.Outsider("Olha", email))
    with pytest.raises(DomainError, match="already hold 3 reserved books"):
        reservations.request_item(
            catalog.initiative.id,
            books[3].id,
            pledged=1,
            outsider=participants.Outsider("Olha", " olha@x.EXAMPLE "),
        )
    db.session.rollback()
    reserve(catalog, books[3], outsider=participants.Outsider("Petro", "petro@x.example"))


def test_a_company_address_reserves_only_signed_in(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    for email in (catalog.employee.email.upper(), "newcomer@example.com"):
        with pytest.raises(DomainError, match="Please sign in"):
            reservations.request_item(
                catalog.initiative.id,
                books[0].id,
                pledged=1,
                outsider=participants.Outsider("Emma", email),
            )
        db.session.rollback()
    assert db.session.get(CatalogItem, books[0].id).status == ItemStatus.AVAILABLE


def test_an_outside_participant_with_an_employees_address_uses_none_of_their_share(catalog):
    # Say an address was a participant's before it got an account: those books are the
    # participant's, and the employee still may reserve their own three.
    books = [catalog.offer(f"Book {n}") for n in range(6)]
    stranger = Participant(name="Not Emma", email=catalog.employee.email, consent_at=utcnow())
    db.session.add(stranger)
    for book in books[:3]:
        book.status, book.reserved_by_participant = ItemStatus.RESERVED, stranger
    db.session.commit()
    for book in books[3:]:
        reserve(catalog, book, user=catalog.employee)
    assert db.session.get(CatalogItem, books[5].id).reserved_by_user_id == catalog.employee.id


def test_expired_reservations_do_not_count_and_the_limit_is_a_setting(catalog, app, monkeypatch):
    books = [catalog.offer(f"Book {n}") for n in range(3)]
    reservations.request_item(
        catalog.initiative.id, books[0].id, pledged=1, user=catalog.employee,
        now=utcnow() - timedelta(days=30),
    )  # fmt: skip
    db.session.commit()
    monkeypatch.setitem(app.config, "RESERVATION_LIMIT_PER_PERSON", 1)
    reserve(catalog, books[1], user=catalog.employee)  # the first ran out long ago
    with pytest.raises(DomainError, match="already hold 1 reserved book here"):
        reservations.request_item(
            catalog.initiative.id, books[2].id, pledged=1, user=catalog.employee
        )
