"""The catalog pages cost a fixed number of queries, with 100 books or 10,000."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core.extensions import db
from core.models import utcnow
from initiatives import participants
from initiatives.models import CatalogItem, ItemCondition, ItemStatus
from tests.test_initiatives_support import catalog_fixture, uploads_fixture  # noqa: F401

CATEGORIES = ["Leadership", "Soft skills", "PMBOK", "Agile & Scrum"]
BUDGET = 14  # session user, initiative, membership, expiry check, totals, page, charts…


def add_books(catalog, total: int) -> None:
    """Bulk-insert books: a third exchanged, some reserved, some from an outsider."""
    outsider = participants.find_or_add_participant("Olha Outside", "olha@elsewhere.example")
    now = utcnow()
    rows = []
    for n in range(total):
        row = {
            "initiative_id": catalog.initiative.id,
            "title": f"Book {n:05d}",
            "author": "Author",
            "category": CATEGORIES[n % 4],
            "condition": ItemCondition.GOOD,
            "status": ItemStatus.AVAILABLE,
            "contributor_user_id": catalog.employee.id if n % 5 else None,
            "contributor_participant_id": None if n % 5 else outsider.id,
            "reserved_by_user_id": None,
            "pledged_amount": None,
            "donation_amount": None,
            "exchanged_at": None,
            "reservation_expires_at": None,
        }
        if n % 3 == 0:
            row.update(
                status=ItemStatus.EXCHANGED,
                reserved_by_user_id=catalog.employee.id,
                donation_amount=Decimal(390),
                exchanged_at=now - timedelta(days=n % 40),
            )
        elif n % 7 == 0:
            row.update(
                status=ItemStatus.RESERVED,
                reserved_by_user_id=catalog.employee.id,
                pledged_amount=Decimal(350),
                reservation_expires_at=now + timedelta(days=3),
            )
        rows.append(row)
    db.session.execute(insert(CatalogItem), rows)
    db.session.commit()


@pytest.mark.parametrize("who", ["leader", "employee", "public"])
def test_catalog_pages_make_the_same_bounded_number_of_queries(catalog, login, count_queries, who):
    initiative_id = catalog.initiative.id
    url = (
        f"/public/initiatives/{initiative_id}"
        if who == "public"
        else f"/initiatives/{initiative_id}"
    )
    client = login(None if who == "public" else getattr(catalog, who))
    measured = {}
    for total in (100, 10_000):
        add_books(catalog, total - (100 if total == 10_000 else 0))
        # Warm up: the first request also loads the babel catalogs, and on SQLite the
        # second is the first to keep the catalog's figures (core/figures.py). Each ends
        # its transaction, as a served request does.
        for _request in range(2):
            client.get(url)
            db.session.remove()
        with count_queries() as statements:
            response = client.get(url, query_string={"page": 2})
        assert response.status_code == 200
        assert "Book 0" in response.get_data(as_text=True)
        measured[total] = len(statements)
    print(f"catalog page queries as {who}: {measured}")
    assert measured[100] == measured[10_000]
    assert measured[10_000] <= BUDGET
