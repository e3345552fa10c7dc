"""The public page: outside people browse, offer, request and register interest, safely."""

import uuid

import pytest
from sqlalchemy import func, select

from app import create_app
from community.services import archive_community, restore_community
from core.extensions import db, limiter
from initiatives import editing, participants, reservations
from initiatives.models import CatalogItem, ItemStatus, Lead, LeadKind, Participant
from tests.conftest import close_app, test_config
from tests.test_initiatives_support import (  # noqa: F401
    build_catalog,
    catalog_fixture,
    uploads_fixture,
)

OUTSIDER = {"name": "Olha Outside", "email": "Olha@Elsewhere.example", "consent": "y"}


def count(model, *where) -> int:
    query = select(func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    return db.session.execute(query).scalar_one()


def test_public_page_needs_no_sign_in_and_lists_only_available_books(catalog, client):
    catalog.offer("Drive")
    taken = catalog.offer("Scrum")
    reservations.request_item(catalog.initiative.id, taken.id, pledged=300, user=catalog.employee)
    catalog.offer("Secret pending", user=None, outsider=participants.Outsider("X", "x@y.example"))
    db.session.commit()

    response = client.get(f"/public/initiatives/{catalog.initiative.id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ">Drive<" in text and ">Scrum<" not in text
    assert "Secret pending" not in text  # an outsider's book waits for a leader
    assert "0 of 2 exchanged" in text


def test_a_private_or_draft_initiative_has_no_public_page(catalog, client):
    editing.update_initiative(catalog.leader, catalog.initiative, is_public=False)
    db.session.commit()
    assert client.get(f"/public/initiatives/{catalog.initiative.id}").status_code == 404
    editing.update_initiative(catalog.leader, catalog.initiative, is_public=True, status="draft")
    db.session.commit()
    assert client.get(f"/public/initiatives/{catalog.initiative.id}").status_code == 404


def test_outsider_offers_a_book_that_waits_for_approval(catalog, client):
    response = client.post(
        f"/public/initiatives/{catalog.initiative.id}/offer?source=instagram",
        data={**OUTSIDER, "title": "Peopleware", "category": "PMBOK", "condition": "good"},
    )
    assert response.status_code == 302
    item = db.session.execute(select(CatalogItem)).scalar_one()
    assert item.status == ItemStatus.PENDING
    participant = db.session.execute(select(Participant)).scalar_one()
    assert (participant.email, participant.name) == ("olha@elsewhere.example", "Olha Outside")
    lead = db.session.execute(select(Lead)).scalar_one()
    assert (lead.kind, lead.source, lead.participant_id) == (
        LeadKind.CONTRIBUTION,
        "instagram",
        participant.id,
    )
    public = client.get(f"/public/initiatives/{catalog.initiative.id}").get_data(as_text=True)
    assert "Peopleware" not in public


def test_outsider_requests_a_book_with_a_pledge(catalog, client):
    item = catalog.offer("Drive")
    response = client.post(
        f"/public/initiatives/{catalog.initiative.id}/items/{item.id}/request",
        data={**OUTSIDER, "pledged": "400"},
    )
    assert response.status_code == 302
    item = db.session.get(CatalogItem, item.id)
    assert item.status == ItemStatus.RESERVED
    assert item.reserved_by_participant.email == "olha@elsewhere.example"
    assert count(Lead, Lead.kind == LeadKind.REQUEST) == 1


def test_outsider_registers_interest(catalog, client):
    response = client.post(f"/public/initiatives/{catalog.initiative.id}/interest", data=OUTSIDER)
    assert response.status_code == 302
    assert count(Lead, Lead.kind == LeadKind.INTEREST) == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"consent": ""}, "We need your consent"),
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters"),
        ({"pledged": "-50"}, "between 0.01 and 1,000,000"),
        ({"pledged": "100000000"}, "between 0.01 and 1,000,000"),
    ],
)
def test_public_request_refuses_bad_input(catalog, client, change, message):
    item = catalog.offer("Drive")
    response = client.post(
        f"/public/initiatives/{catalog.initiative.id}/items/{item.id}/request",
        data={**OUTSIDER, "pledged": "300", **change},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Participant) == 0 and count(Lead, Lead.participant_id.is_not(None)) == 0


@pytest.mark.parametrize(
    "change",
    [{"title": "x" * 201}, {"category": "Cooking"}, {"condition": "shredded"}, {"consent": ""}],
)
def test_public_offer_refuses_bad_input(catalog, client, change):
    response = client.post(
        f"/public/initiatives/{catalog.initiative.id}/offer",
        data={
            **OUTSIDER,
            "title": "Peopleware",
            "category": "PMBOK",
            "condition": "good",
            **change,
        },
    )
    assert response.status_code == 400
    assert count(CatalogItem) == 0 and count(Participant) == 0


def test_the_honeypot_keeps_robots_out_silently(catalog, client):
    item = catalog.offer("Drive")
    base = f"/public/initiatives/{catalog.initiative.id}"
    trap = {**OUTSIDER, "website": "http://spam.example"}
    answers = [
        client.post(f"{base}/interest", data=trap),
        client.post(f"{base}/offer", data={**trap, "title": "Spam", "category": "PMBOK"}),
        client.post(f"{base}/items/{item.id}/request", data={**trap, "pledged": "1"}),
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 302]
    assert count(Participant) == 0 and count(Lead, Lead.participant_id.is_not(None)) == 0
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE


def test_public_forms_are_rate_limited_per_address(app, tmp_path, uploads):
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=f"guildhall-test-{uuid.uuid4().hex}",
        PUBLIC_FORM_RATE_LIMIT="3 per hour",
    )
    saved = dict(vars(limiter))  # the one Limiter is process-wide: put it back afterwards
    limited = create_app(config)
    try:
        with limited.app_context():
            initiative_id = build_catalog().initiative.id
        url = f"/public/initiatives/{initiative_id}/interest"
        client = limited.test_client()
        answers = [client.post(url, data=OUTSIDER).status_code for _ in range(4)]
        assert answers == [302, 302, 302, 429]
        assert client.get(url).status_code == 200  # reading the form is not limited
        elsewhere = limited.test_client().post(
            url, data=OUTSIDER, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        )
        assert elsewhere.status_code == 302
    finally:
        limiter.reset()
        vars(limiter).clear()
        vars(limiter).update(saved)
        close_app(limited)


def test_closed_initiative_shows_its_page_but_takes_nothing(catalog, client):
    item = catalog.offer("Drive")
    editing.update_initiative(catalog.leader, catalog.initiative, status="closed")
    db.session.commit()
    base = f"/public/initiatives/{catalog.initiative.id}"
    assert "closed" in client.get(base).get_data(as_text=True)
    assert client.get(f"{base}/offer").status_code == 404
    assert client.post(f"{base}/items/{item.id}/request", data=OUTSIDER).status_code == 404


def test_an_archived_communitys_public_page_and_forms_are_gone(catalog, client, login):
    item = catalog.offer("Drive")
    archive_community(catalog.leader, catalog.community)
    db.session.commit()
    base = f"/public/initiatives/{catalog.initiative.id}"
    offer = {**OUTSIDER, "title": "Peopleware", "category": "PMBOK", "condition": "good"}
    for visitor in (client, login(catalog.employee), login(catalog.leader)):
        assert visitor.get(base).status_code == 404
        assert visitor.get(f"{base}/interest").status_code == 404
        assert visitor.post(f"{base}/interest", data=OUTSIDER).status_code == 404
        assert visitor.post(f"{base}/offer", data=offer).status_code == 404
        request = {**OUTSIDER, "pledged": "300"}
        assert visitor.post(f"{base}/items/{item.id}/request", data=request).status_code == 404
    assert count(Lead, Lead.participant_id.is_not(None)) == 0 and count(Participant) == 0
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE
    # Restored, the community's public page opens again.
    restore_community(catalog.leader, catalog.community)
    db.session.commit()
    assert client.get(base).status_code == 200


def test_the_same_email_registering_interest_again_updates_its_one_lead(catalog, client):
    url = f"/public/initiatives/{catalog.initiative.id}/interest"
    assert client.post(f"{url}?source=instagram", data=OUTSIDER).status_code == 302
    first_consent = db.session.execute(select(Participant.consent_at)).scalar_one()
    again = {**OUTSIDER, "name": "Olha Renamed", "email": "OLHA@elsewhere.example"}
    for _round in range(2):
        assert client.post(f"{url}?source=facebook", data=again).status_code == 302
    lead = db.session.execute(select(Lead)).scalar_one()
    assert (lead.kind, lead.source) == (LeadKind.INTEREST, "instagram")  # where they came from
    participant = db.session.execute(select(Participant)).scalar_one()
    assert participant.name == "Olha Outside"  # a form cannot rename a person
    assert participant.consent_at >= first_consent


def test_a_stranger_cannot_use_up_an_employees_share_on_the_public_page(catalog, client, login):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    for book in books[:3]:
        client.post(
            f"/public/initiatives/{catalog.initiative.id}/items/{book.id}/request",
            data={
                **OUTSIDER,
                "name": "Not Emma",
                "email": "employee@example.com",
                "pledged": "300",
            },
        )
    assert count(CatalogItem, CatalogItem.status == ItemStatus.RESERVED) == 0
    employee = login(catalog.employee)
    response = employee.post(
        f"/initiatives/{catalog.initiative.id}/items/{books[3].id}/request",
        data={"pledged": "300"},
        follow_redirects=True,
    )
    assert "already hold" not in response.get_data(as_text=True)
    assert db.session.get(CatalogItem, books[3].id).reserved_by_user_id == catalog.employee.id


def test_signed_in_the_public_form_reserves_as_the_account_whatever_address_is_typed(
    catalog, login
):
    books = [catalog.offer(f"Book {n}") for n in range(5)]
    for book in books[:2]:
        reservations.request_item(catalog.initiative.id, book.id, pledged=1, user=catalog.employee)
        db.session.commit()
    employee = login(catalog.employee)
    url = f"/public/initiatives/{catalog.initiative.id}/items/{{}}/request"
    form = {**OUTSIDER, "email": "emma.private@gmail.example", "pledged": "300"}
    assert employee.post(url.format(books[2].id), data=form).status_code == 302
    assert db.session.get(CatalogItem, books[2].id).reserved_by_user_id == catalog.employee.id
    for book, email in (
        (books[3], "emma.private@gmail.example"),
        (books[4], "employee+b@example.com"),
    ):
        response = employee.post(
            url.format(book.id), data={**form, "email": email}, follow_redirects=True
        )
        assert "already hold 3" in response.get_data(as_text=True)
        assert db.session.get(CatalogItem, book.id).status == ItemStatus.AVAILABLE
    assert count(Participant) == 0


def test_nobody_renames_an_outside_participant_by_sending_a_form_with_their_address(
    catalog, client
):
    item = catalog.offer("Drive")
    reservations.request_item(
        catalog.initiative.id,
        item.id,
        pledged=1,
        outsider=participants.Outsider("Olha Real", "olha@x.example"),
    )
    db.session.commit()
    for path, extra in (("interest", {}), ("offer", {"title": "X", "category": "PMBOK"})):
        response = client.post(
            f"/public/initiatives/{catalog.initiative.id}/{path}",
            data={
                "name": "Mallory Was Here",
                "email": "OLHA@x.example",
                "consent": "y",
                "condition": "good",
                **extra,
            },  # fmt: skip
        )
        assert response.status_code == 302
    assert db.session.execute(select(Participant.name)).scalar_one() == "Olha Real"
    assert db.session.get(CatalogItem, item.id).reserved_by_name == "Olha Real"
