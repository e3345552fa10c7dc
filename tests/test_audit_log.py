"""The audit log holds what DESIGN.md lists (a role, a brief's status, a catalog item's
status, a donation), each done through the site, and the admin's page finds each one."""

import re

import pytest

from community.services import current_membership
from core.extensions import db
from initiatives import catalog_items, editing
from initiatives.models import ItemCondition
from promotions.models import BriefStatus
from tests.test_promotions_factories import brief_in


@pytest.fixture
def catalog(world):
    leader = world.users["leader"]
    catalog = editing.create_initiative(
        leader, world.community, title="Charity Book Sale", kind="catalog", status="active",
        categories="Leadership",
    )  # fmt: skip
    book = catalog_items.offer_item(catalog, title="Drive", category="Leadership",
                                  condition=ItemCondition.GOOD, user=leader)  # fmt: skip
    db.session.commit()
    return catalog, book


def audit_rows(client, **filters) -> list[str]:
    """The log's table rows for these filters, as text."""
    page = client.get("/admin/audit", query_string=filters)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    rows = re.findall(r"<tr>\s*(<td.*?)</tr>", body, flags=re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", row).strip() for row in rows]


def test_each_audited_action_done_on_the_site_is_found_by_its_filter(world, login, catalog):
    leader, smm, admin = world.users["leader"], world.users["smm"], world.users["admin"]
    initiative, book = catalog
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    membership_id = current_membership(world.users["member"], world.community).id
    as_leader, as_smm, as_admin = login(leader), login(smm), login(admin)

    base = f"/initiatives/{initiative.id}/items/{book.id}"
    actions = [
        as_admin.post(
            f"/admin/users/{world.users['employee'].id}/roles", data={"role": "smm", "granted": "1"}
        ),  # fmt: skip
        as_leader.post(
            f"/communities/{world.community.slug}/members/{membership_id}/role",
            data={"role": "leader"},
        ),  # fmt: skip
        as_smm.post(f"/promotions/{brief.id}/status", data={"to": "accepted"}),
        login(world.users["member"]).post(f"{base}/request", data={"pledged": "300"}),
        as_leader.post(f"{base}/confirm", data={"amount": "350"}),
    ]
    assert [response.status_code for response in actions] == [302] * 5

    everything = audit_rows(as_admin)
    found = {
        "site_role": audit_rows(as_admin, action="site_role"),
        "membership.role": audit_rows(as_admin, action="membership.role"),
        "brief.status": audit_rows(as_admin, action="brief.status"),
        "catalog_item.reserved": audit_rows(as_admin, action="catalog_item.reserved"),
        "catalog_item.exchanged": audit_rows(as_admin, action="catalog_item.exchanged"),
    }
    for action, rows in found.items():
        assert rows and all(action in row for row in rows), (action, rows)
        assert len(rows) < len(everything)
    assert "Emma Employee" not in found["site_role"][0]  # the actor is shown, not the subject
    assert "Ada Admin" in found["site_role"][0] and "smm" in found["site_role"][0]
    assert "Lena Leader" in found["membership.role"][0]
    assert "Sam Smm" in found["brief.status"][0]
    assert "submitted → accepted" in found["brief.status"][0]
    assert "Max Member" in found["catalog_item.reserved"][0]
    assert "donation 350" in found["catalog_item.exchanged"][0]  # the donation and its amount

    by_subject = audit_rows(as_admin, subject="CatalogItem")
    assert by_subject and all("CatalogItem #" in row for row in by_subject)
    by_leader = audit_rows(as_admin, actor=leader.email)
    assert by_leader and all("Lena Leader" in row for row in by_leader)
    assert any("catalog_item.exchanged" in row for row in by_leader)
    assert not any("site_role" in row for row in by_leader)
