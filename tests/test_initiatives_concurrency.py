"""Two people can never reserve the same book, nor one person more than their share, even at
the same instant (both databases); one e-mail is one lead however fast it is sent."""

import threading
import unicodedata

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from initiatives import leads, participants, reservations
from initiatives.models import CatalogItem, Initiative, ItemStatus, Lead, Participant
from tests.conftest import make_user
from tests.test_initiatives_support import build_catalog, uploads_fixture  # noqa: F401

THREADS = 24


def _in_parallel(app, count: int, action) -> tuple[list, list, list]:
    """Run `action(n)` in `count` threads at once, each in its own transaction; returns
    (done, refused messages, errors)."""
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Barrier(count)
    done, refused, errors = [], [], []

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)  # holding no connection: the pool is smaller than THREADS
            with app.app_context():
                db.session.execute(select(CatalogItem.id)).all()  # a view reads first
                try:
                    action(n)
                    db.session.commit()
                    done.append(n)
                except DomainError as error:
                    db.session.rollback()
                    refused.append(error.message)
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return done, refused, errors


def test_many_simultaneous_requests_reserve_the_book_exactly_once(app, uploads):
    catalog = build_catalog()
    item_id = catalog.offer().id
    initiative_id = catalog.initiative.id
    # Half the requests come from employees, half from outside participants.
    user_ids = [make_user(f"reader{n}@example.com").id for n in range(THREADS // 2)]

    def request(n: int) -> None:
        if n < len(user_ids):
            user = db.session.get(User, user_ids[n])
            reservations.request_item(initiative_id, item_id, pledged=300, user=user)
        else:
            outsider = participants.Outsider(f"Reader {n}", f"r{n}@elsewhere.example")
            reservations.request_item(initiative_id, item_id, pledged=300, outsider=outsider)

    reserved, refused, errors = _in_parallel(app, THREADS, request)
    assert errors == []
    assert len(reserved) == 1
    assert len(refused) == THREADS - 1
    assert set(refused) == {"Sorry, someone has just reserved this book."}
    item = db.session.get(CatalogItem, item_id)
    assert item.status == ItemStatus.RESERVED
    reservation_entries = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "catalog_item.reserved", AuditEntry.subject_id == item_id)
    ).scalar_one()
    request_leads = db.session.execute(
        select(func.count()).select_from(Lead).where(Lead.kind == "request")
    ).scalar_one()
    assert (reservation_entries, request_leads) == (1, 1)


@pytest.mark.parametrize("person", ["employee", "outsider"])
def test_one_persons_parallel_requests_reserve_at_most_the_limit(app, uploads, person):
    catalog = build_catalog()
    item_ids = [catalog.offer(f"Book {n}").id for n in range(5)]
    initiative_id, employee_id = catalog.initiative.id, catalog.employee.id

    def reserve(n: int) -> None:
        if person == "employee":
            who = {"user": db.session.get(User, employee_id)}
        else:  # one e-mail, typed differently
            email = ("olha@elsewhere.example", "OLHA@Elsewhere.example")[n % 2]
            who = {"outsider": participants.Outsider("Olha", email)}
        reservations.request_item(initiative_id, item_ids[n], pledged=1, **who)

    reserved, refused, errors = _in_parallel(app, 5, reserve)
    assert errors == []
    assert (len(reserved), len(refused)) == (3, 2)
    assert all("already hold 3 reserved books" in message for message in refused)
    held = db.session.execute(
        select(func.count())
        .select_from(CatalogItem)
        .where(CatalogItem.status == ItemStatus.RESERVED)
    ).scalar_one()
    assert held == 3


@pytest.mark.postgres_only
def test_parallel_registrations_of_interest_by_one_email_make_one_lead(app, uploads, is_postgres):
    if not is_postgres:
        pytest.skip("parallel writers need PostgreSQL; SQLite serialises them")
    initiative_id = build_catalog().initiative.id

    def register(n: int) -> None:
        initiative = db.session.get(Initiative, initiative_id)
        email = "olha@elsewhere.example" if n % 2 else "OLHA@elsewhere.example"
        leads.register_interest(initiative, participants.Outsider(f"Olha {n}", email))

    done, refused, errors = _in_parallel(app, 8, register)
    assert (errors, refused, len(done)) == ([], [], 8)
    assert db.session.execute(select(func.count()).select_from(Participant)).scalar_one() == 1
    assert db.session.execute(select(func.count()).select_from(Lead)).scalar_one() == 1


def test_one_address_written_in_many_ways_at_once_is_one_person_with_one_share(app, uploads):
    catalog = build_catalog()
    item_ids = [catalog.offer(f"Book {n}").id for n in range(6)]
    initiative_id = catalog.initiative.id
    composed = "jos\u00e9@b\u00fccher.example"
    spellings = [
        composed,
        unicodedata.normalize("NFD", composed),
        "JOS\u00c9@B\u00dcCHER.EXAMPLE",
        "jos\u00e9@xn--bcher-kva.example",
    ]

    def reserve(n: int) -> None:
        outsider = participants.Outsider("José", spellings[n % len(spellings)])
        reservations.request_item(initiative_id, item_ids[n], pledged=1, outsider=outsider)

    reserved, refused, errors = _in_parallel(app, 6, reserve)
    assert errors == []
    assert (len(reserved), len(refused)) == (3, 3)
    assert all("already hold 3 reserved books" in message for message in refused)
    assert db.session.execute(select(Participant.email)).scalars().all() == [composed]


def test_a_colleagues_address_on_the_public_form_takes_nothing_from_their_share(app, uploads):
    catalog = build_catalog()
    item_ids = [catalog.offer(f"Book {n}").id for n in range(8)]
    initiative_id, employee_id = catalog.initiative.id, catalog.employee.id

    def reserve(n: int) -> None:
        if n % 2:
            who = {"user": db.session.get(User, employee_id)}
        else:  # a stranger typing the employee's address, signed out
            who = {"outsider": participants.Outsider("Not Emma", "Employee@Example.com")}
        reservations.request_item(initiative_id, item_ids[n], pledged=1, **who)

    reserved, refused, errors = _in_parallel(app, 8, reserve)
    assert errors == []
    assert len(reserved) == 3 and all(n % 2 for n in reserved)  # the employee's own three
    assert refused.count("Please sign in to reserve a book with a company address.") == 4
    assert sum("already hold 3" in message for message in refused) == 1
