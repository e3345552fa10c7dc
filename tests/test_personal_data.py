"""'Download my data' holds every feature's part about the person, and nobody else's."""

import json

import pytest

from core.extensions import db
from initiatives import catalog_items, editing, leads, participants, reservations
from initiatives.models import LeadKind
from promotions import services as promotions
from promotions.models import BriefStatus
from tests.test_events_factories import make_event, register
from tests.test_promotions_factories import brief_in

# What each person did, in words that appear nowhere else, so a download that holds
# another person's part is caught by the words alone.
MARKS = {
    "member": ["Member Meetup", "Member's own book", "Max Member", "member@example", "go/abc"],
    "employee": ["Employee Meetup", "Employee's own book", "Emma Employee", "employee@example"],
    "leader": ["Lena Leader", "leader@example", "Leader's question", "Leader's key message"],
    "smm": ["Sam Smm", "smm@example", "SMM's answer"],
    "outsider": ["Olga Outsider", "olga@example"],
}


@pytest.fixture
def lives(world):
    """The member, the employee, the leader and SMM each leave their own traces."""
    users = world.users
    member, employee, leader, smm = (users[r] for r in ("member", "employee", "leader", "smm"))
    register(member, make_event(leader, world.community, title="Member Meetup"))
    register(employee, make_event(leader, world.community, title="Employee Meetup"))

    catalog = editing.create_initiative(
        leader, world.community, title="Charity Book Sale", kind="catalog", status="active",
        is_public=True,
    )  # fmt: skip
    offered = {
        name: catalog_items.offer_item(
            catalog, title=f"{title} own book", category="Leadership", user=users[name]
        )  # fmt: skip
        for name, title in [("member", "Member's"), ("employee", "Employee's")]
    }
    shared = catalog_items.offer_item(catalog, title="Drive", category="Leadership", user=employee)
    spare = catalog_items.offer_item(catalog, title="Scrum", category="Leadership", user=employee)
    leads.record_lead(catalog, LeadKind.INTEREST, user=member, source="go/abc")
    db.session.commit()
    # The member requests the employee's book: it is in both downloads, the pledge in hers only.
    reservations.request_item(catalog.id, shared.id, pledged="321", user=member)
    db.session.commit()
    outsider = participants.Outsider(name="Olga Outsider", email="olga@example.org")
    reservations.request_item(catalog.id, spare.id, pledged="777", outsider=outsider)
    db.session.commit()

    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    brief.key_message = "Leader's key message"
    promotions.add_comment(leader, brief, "Leader's question")
    promotions.add_comment(smm, brief, "SMM's answer")
    db.session.commit()
    return {"users": users, "offered": offered, "shared": shared, "brief": brief}


def download(login, user) -> dict:
    response = login(user).get("/me/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.get_json()


def assert_holds_no_one_elses(data: dict, role: str) -> None:
    text = json.dumps(data, ensure_ascii=False)
    for other, marks in MARKS.items():
        if other != role:
            for mark in marks:
                assert mark not in text, f"{role}'s download holds {other}'s {mark!r}"
    # Pledges and donations belong to whoever requested the item.
    for item in data["catalog_items"]:
        assert item["requested"] or "pledged_amount" not in item, item


def test_download_holds_the_members_registrations_leads_and_catalog_items(lives, login):
    data = download(login, lives["users"]["member"])

    assert [r["event"] for r in data["event_registrations"]] == ["Member Meetup"]
    assert data["event_registrations"][0]["status"] == "confirmed"
    assert data["event_registrations"][0]["registered_at"].startswith("20")  # ISO 8601
    leads = sorted((lead["kind"], lead["source"]) for lead in data["leads"])
    assert leads == [("contribution", None), ("interest", "go/abc"), ("request", None)]
    items = {item["title"]: item for item in data["catalog_items"]}
    assert set(items) == {"Member's own book", "Drive"}
    assert items["Member's own book"]["contributed"] and not items["Member's own book"]["requested"]
    assert items["Drive"]["requested"] and not items["Drive"]["contributed"]
    assert items["Drive"]["pledged_amount"] == "321.00"
    assert_holds_no_one_elses(data, "member")


def test_a_contributor_sees_her_book_but_not_who_requested_it_or_their_pledge(lives, login):
    data = download(login, lives["users"]["employee"])

    assert [r["event"] for r in data["event_registrations"]] == ["Employee Meetup"]
    drive = next(item for item in data["catalog_items"] if item["title"] == "Drive")
    assert drive["status"] == "reserved" and drive["contributed"] and not drive["requested"]
    assert "pledged_amount" not in drive
    assert {lead["kind"] for lead in data["leads"]} == {"contribution"}
    assert_holds_no_one_elses(data, "employee")


def test_download_holds_the_leaders_briefs_comments_and_notifications(lives, login):
    data = download(login, lives["users"]["leader"])

    [brief] = data["promotion_briefs"]
    assert brief["title"] == "Charity Book Sale" and brief["status"] == "submitted"
    assert brief["key_message"] == "Leader's key message"
    assert brief["content_deadline"] == lives["brief"].content_deadline.isoformat()
    assert [c["body"] for c in data["brief_comments"]] == ["Leader's question"]
    # SMM's answer; its subject quotes SMM's words, so the download leaves it out.
    briefs = [n for n in data["site_notifications"] if n["kind"] == "brief_update"]
    assert [n["subject"] for n in briefs] == [None]
    assert_holds_no_one_elses(data, "leader")


def test_smm_gets_only_her_own_comment_and_notifications(lives, login):
    data = download(login, lives["users"]["smm"])

    assert data["promotion_briefs"] == []
    assert [c["body"] for c in data["brief_comments"]] == ["SMM's answer"]
    assert {n["kind"] for n in data["site_notifications"]} >= {"brief_update"}
    assert data["event_registrations"] == data["leads"] == data["catalog_items"] == []
    assert_holds_no_one_elses(data, "smm")


def test_every_feature_adds_its_part_to_the_download(world, login):
    data = download(login, world.users["admin"])
    assert set(data) == {
        "account", "memberships", "event_registrations", "leads", "catalog_items",
        "promotion_briefs", "brief_comments", "site_notifications",
        "notification_settings",
    }  # fmt: skip
    assert all(part == [] for name, part in data.items() if name not in ("account", "memberships"))
