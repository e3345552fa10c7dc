"""Initiatives' settings and who may run them, and the catalog's CSV import, through the
services."""

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from initiatives import (
    catalog_import,
    counts,
    editing,
)
from initiatives.models import CatalogItem
from tests.conftest import make_user
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    catalog_fixture,
    uploads_fixture,
)


def test_status_changes_of_an_initiative_are_audited(catalog):
    editing.update_initiative(catalog.leader, catalog.initiative, status="closed")
    db.session.commit()
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "initiative.status_changed")
    ).scalar_one()
    assert entry.detail == "active → closed"


@pytest.mark.parametrize("currency", ["XYZ", "U$D", "", "uahh"])
def test_an_unknown_currency_is_refused(catalog, currency):
    with pytest.raises(DomainError, match="currency"):
        editing.update_initiative(catalog.leader, catalog.initiative, currency=currency)


def test_csv_import_adds_every_row_or_none(catalog):
    good = "title,author,category,condition\nScrum,Jeff Sutherland,Agile & Scrum,good\n"
    broken = good + "Drive,Daniel Pink,Cooking,good\n,No title,PMBOK,good\nX,Y,PMBOK,shredded\n"
    rows = catalog_import.parse_catalog_csv(catalog.initiative, broken)
    assert [bool(row.errors) for row in rows] == [False, True, True, True]
    with pytest.raises(DomainError, match="3 rows have errors"):
        catalog_import.import_catalog_csv(catalog.leader, catalog.initiative, broken)
    db.session.rollback()
    assert db.session.execute(select(CatalogItem)).first() is None

    assert catalog_import.import_catalog_csv(catalog.leader, catalog.initiative, good) == (1, [])
    db.session.commit()
    assert counts.totals(catalog.initiative).items == 1


def test_a_file_without_the_header_is_refused(catalog):
    with pytest.raises(DomainError, match="first line"):
        catalog_import.parse_catalog_csv(catalog.initiative, "Scrum;Jeff;Agile\n")


def test_another_communitys_leader_does_not_lead_the_initiative(catalog):
    from core.permissions import can

    stranger = make_user("other@example.com")
    assert not can(stranger, "initiative.manage", catalog.initiative)
    assert can(catalog.leader, "initiative.manage", catalog.initiative)


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_a_deactivated_or_signed_out_person_does_not_lead(catalog, who):
    from flask_login import AnonymousUserMixin

    from initiatives.permissions import can_lead

    person = catalog.leader if who == "leader" else make_user("admin@example.com", is_admin=True)
    assert can_lead(person, catalog.initiative)
    person.active = False
    assert not can_lead(person, catalog.initiative)
    assert not can_lead(AnonymousUserMixin(), catalog.initiative)
