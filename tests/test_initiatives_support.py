"""Builders shared by the initiatives tests (no tests here): a catalog made by the services."""

from dataclasses import dataclass
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import func, select

from accounts.models import User
from community.models import Community
from core.audit import AuditEntry
from core.extensions import db
from initiatives import catalog_items, editing, reservations
from initiatives.models import CatalogItem, Initiative, InitiativeKind, InitiativeStatus
from tests.conftest import make_community, make_user


@dataclass
class Catalog:
    leader: User
    employee: User
    community: Community
    initiative: Initiative

    def offer(self, title: str = "Drive", category: str = "Leadership", **options) -> CatalogItem:
        options.setdefault("user", self.employee)
        item = catalog_items.offer_item(self.initiative, title=title, category=category, **options)
        db.session.commit()
        return item


def build_catalog(**options) -> Catalog:
    leader = make_user("leader@example.com", "Lena Leader")
    employee = make_user("employee@example.com", "Emma Employee")
    community = make_community(leader)
    options = {
        "title": "Charity Book Sale",
        "kind": InitiativeKind.CATALOG,
        "status": InitiativeStatus.ACTIVE,
        "is_public": True,
        "beneficiary": "Children's fund",
        "suggested_donation": 350,
        "categories": "Leadership\nSoft skills\nPMBOK\nAgile & Scrum",
        **options,
    }
    initiative = editing.create_initiative(leader, community, **options)
    db.session.commit()
    return Catalog(leader, employee, community, initiative)


def image_file(fmt: str = "PNG", size=(60, 90)) -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    buffer.seek(0)
    return buffer


@pytest.fixture(name="uploads")
def uploads_fixture(app, tmp_path):
    """Covers go to a temporary folder for the test."""
    before = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = before


@pytest.fixture(name="catalog")
def catalog_fixture(app, uploads) -> Catalog:
    return build_catalog()


def count(model) -> int:
    """How many rows `model` has."""
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def audit_actions(item) -> list[str]:
    """The audit log's actions on a catalog item, oldest first."""
    return list(
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "CatalogItem", AuditEntry.subject_id == item.id)
            .order_by(AuditEntry.id)
        ).scalars()
    )


def reserve(catalog, item, **who):
    """Reserve `item` for `who` with a pledge of 1, committed."""
    reservations.request_item(catalog.initiative.id, item.id, pledged=1, **who)
    db.session.commit()


def confirm_reserved(leader, initiative, item_id: int, amount, *, by: User | None = None):
    """Exchange a book as it happens: someone (`by`, else the leader) requests it, then
    the leader confirms its donation; each step committed."""
    reservations.request_item(initiative.id, item_id, pledged=1, user=by or leader)
    db.session.commit()
    item = catalog_items.confirm_donation(leader, initiative, item_id, amount)
    db.session.commit()
    return item
