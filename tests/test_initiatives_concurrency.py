"""Two people can never reserve the same book, even at the same instant (both databases)."""

import threading

from sqlalchemy import func, select

from accounts.models import User
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from initiatives import services
from initiatives.models import CatalogItem, ItemStatus, Lead
from tests.conftest import make_user
from tests.test_initiatives_support import build_catalog, uploads_fixture  # noqa: F401

THREADS = 24


def test_many_simultaneous_requests_reserve_the_book_exactly_once(app, uploads):
    catalog = build_catalog()
    item_id = catalog.offer().id
    initiative_id = catalog.initiative.id
    # Half the requests come from employees, half from outside participants.
    user_ids = [make_user(f"reader{n}@example.com").id for n in range(THREADS // 2)]
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Barrier(THREADS)
    reserved, refused, errors = [], [], []

    def request(n: int) -> None:
        try:
            start.wait(timeout=30)  # holding no connection: the pool is smaller than THREADS
            with app.app_context():
                db.session.execute(select(CatalogItem.id)).all()  # a view reads first
                try:
                    if n < len(user_ids):
                        user = db.session.get(User, user_ids[n])
                        services.request_item(initiative_id, item_id, pledged=300, user=user)
                    else:
                        outsider = services.Outsider(f"Reader {n}", f"r{n}@elsewhere.example")
                        services.request_item(
                            initiative_id, item_id, pledged=300, outsider=outsider
                        )
                    db.session.commit()
                    reserved.append(n)
                except DomainError as error:
                    db.session.rollback()
                    refused.append(error.message)
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(repr(error))

    threads = [threading.Thread(target=request, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == []
    assert len(reserved) == 1
    assert len(refused) == THREADS - 1
    assert set(refused) == {"Sorry, someone has just reserved this book."}
    item = db.session.get(CatalogItem, item_id)
    assert item.status == ItemStatus.RESERVED
    reservations = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "catalog_item.reserved", AuditEntry.subject_id == item_id)
    ).scalar_one()
    request_leads = db.session.execute(
        select(func.count()).select_from(Lead).where(Lead.kind == "request")
    ).scalar_one()
    assert (reservations, request_leads) == (1, 1)
