"""The exchange flow, expiry, audit, totals, leads and the CSV import, through the services."""

import unicodedata
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import lead_created
from initiatives import (
    catalog_import,
    catalog_items,
    counts,
    editing,
    leads,
    participants,
    reservations,
)
from initiatives.models import CatalogItem, ItemStatus, Lead, LeadKind, Participant
from tests.conftest import make_user
from tests.test_initiatives_support import catalog_fixture, uploads_fixture  # noqa: F401

OUTSIDER = participants.Outsider("Olha Outside", "Olha@Elsewhere.example", source="instagram-story")


def audit_actions(item) -> list[str]:
    return list(
        db.session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "CatalogItem", AuditEntry.subject_id == item.id)
            .order_by(AuditEntry.id)
        ).scalars()
    )


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
        catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, amount)
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


def test_an_exchanged_book_cannot_be_withdrawn_or_released(catalog):
    item = catalog.offer()
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, 300)
    db.session.commit()
    with pytest.raises(DomainError):
        catalog_items.withdraw_item(catalog.leader, catalog.initiative, item.id)
    db.session.rollback()
    with pytest.raises(DomainError):
        catalog_items.release_reservation(catalog.leader, catalog.initiative, item.id)


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
        catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, amount)
        db.session.commit()
    catalog_items.withdraw_item(catalog.leader, catalog.initiative, items[4].id)
    db.session.commit()

    totals = counts.totals(catalog.initiative)
    assert (totals.items, totals.exchanged, totals.donations) == (4, 3, Decimal("1080.00"))
    [pmbok] = counts.totals_by_category(catalog.initiative)
    assert (pmbok.category, pmbok.items, pmbok.exchanged, pmbok.donations) == ("PMBOK", 4, 3, 1080)
    [(day, count, amount)] = counts.donations_by_day(catalog.initiative)
    assert (day, count, amount) == (utcnow().date(), 3, Decimal(1080))


def test_every_lead_is_recorded_with_its_kind_and_signalled(catalog):
    received = []

    def listener(sender, lead):
        received.append((sender, lead.kind))

    with lead_created.connected_to(listener):
        leads.register_interest(catalog.initiative, OUTSIDER)
        item = catalog.offer("Peopleware", user=None, outsider=OUTSIDER)
        other = catalog.offer("Drive")
        reservations.request_item(catalog.initiative.id, other.id, pledged=300, outsider=OUTSIDER)
        db.session.commit()

    assert [kind for _sender, kind in received] == [
        LeadKind.INTEREST,
        LeadKind.CONTRIBUTION,
        LeadKind.CONTRIBUTION,  # the employee's offer
        LeadKind.REQUEST,
    ]
    assert all(sender.id == catalog.initiative.id for sender, _kind in received)
    participants = db.session.execute(select(Participant)).scalars().all()
    assert [p.email for p in participants] == ["olha@elsewhere.example"]
    sourced = db.session.execute(select(Lead).where(Lead.participant_id.is_not(None))).scalars()
    assert {lead.source for lead in sourced} == {"instagram-story"}
    assert item.contributor_participant_id == participants[0].id


def test_leads_csv_cannot_smuggle_a_formula(catalog):
    leads.register_interest(
        catalog.initiative,
        participants.Outsider('=HYPERLINK("http://evil")', "x@elsewhere.example"),
    )
    db.session.commit()
    text = leads.leads_csv(catalog.initiative)
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


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

    assert catalog_import.import_catalog_csv(catalog.leader, catalog.initiative, good) == 1
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


# --- one person, one share ----------------------------------------------------------


def _reserve(catalog, item, **who):
    reservations.request_item(catalog.initiative.id, item.id, pledged=1, **who)
    db.session.commit()


def test_an_employee_holds_at_most_three_books_of_a_catalog(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(6)]
    for book in books[:3]:
        _reserve(catalog, book, user=catalog.employee)
    with pytest.raises(DomainError, match="already hold 3 reserved books here"):
        reservations.request_item(
            catalog.initiative.id, books[3].id, pledged=1, user=catalog.employee
        )
    db.session.rollback()
    assert db.session.get(CatalogItem, books[3].id).status == ItemStatus.AVAILABLE
    # Someone else still may; and once a donation arrives, the employee may take one more.
    _reserve(catalog, books[4], user=catalog.leader)
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, books[0].id, 300)
    db.session.commit()
    _reserve(catalog, books[3], user=catalog.employee)
    assert db.session.get(CatalogItem, books[3].id).status == ItemStatus.RESERVED


def test_an_outside_email_holds_at_most_three_books_whatever_its_case(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(5)]
    for book, email in zip(books[:3], ["olha@x.example", "OLHA@x.example", "Olha@X.Example"],
                           strict=True):  # fmt: skip
        _reserve(catalog, book, outsider=participants.Outsider("Olha", email))
    with pytest.raises(DomainError, match="already hold 3 reserved books"):
        reservations.request_item(
            catalog.initiative.id,
            books[3].id,
            pledged=1,
            outsider=participants.Outsider("Olha", " olha@x.EXAMPLE "),
        )
    db.session.rollback()
    _reserve(catalog, books[3], outsider=participants.Outsider("Petro", "petro@x.example"))


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
        _reserve(catalog, book, user=catalog.employee)
    assert db.session.get(CatalogItem, books[5].id).reserved_by_user_id == catalog.employee.id


def test_expired_reservations_do_not_count_and_the_limit_is_a_setting(catalog, app, monkeypatch):
    books = [catalog.offer(f"Book {n}") for n in range(3)]
    reservations.request_item(
        catalog.initiative.id, books[0].id, pledged=1, user=catalog.employee,
        now=utcnow() - timedelta(days=30),
    )  # fmt: skip
    db.session.commit()
    monkeypatch.setitem(app.config, "RESERVATION_LIMIT_PER_PERSON", 1)
    _reserve(catalog, books[1], user=catalog.employee)  # the first ran out long ago
    with pytest.raises(DomainError, match="already hold 1 reserved book here"):
        reservations.request_item(
            catalog.initiative.id, books[2].id, pledged=1, user=catalog.employee
        )


def test_interest_from_one_email_is_one_lead_signalled_once(catalog):
    received = []

    def listener(sender, lead):
        received.append(lead.id)

    with lead_created.connected_to(listener):
        first = leads.register_interest(catalog.initiative, OUTSIDER)
        db.session.commit()
        again = participants.Outsider("Olha O.", "olha@elsewhere.EXAMPLE", source="facebook")
        for _round in range(2):
            assert leads.register_interest(catalog.initiative, again).id == first.id
            db.session.commit()
    assert received == [first.id]
    lead = db.session.execute(select(Lead)).scalar_one()
    assert lead.source == "instagram-story"
    # A later form does not rename the person.
    assert db.session.execute(select(Participant.name)).scalar_one() == OUTSIDER.name
    # Interest in another initiative is a lead of its own.
    other = editing.create_initiative(
        catalog.leader, catalog.community, title="Mentoring", status="active"
    )
    db.session.commit()
    assert leads.register_interest(other, OUTSIDER).id != first.id


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


def test_one_address_however_its_unicode_or_domain_is_written_is_one_person(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    composed = "jos\u00e9@b\u00fccher.example"  # é and ü as one character each
    decomposed = unicodedata.normalize("NFD", composed)
    for book, email in zip(
        books[:3],
        [composed, "JOS\u00c9@B\u00dcCHER.example", "jos\u00e9@xn--bcher-kva.example"],
        strict=True,
    ):
        _reserve(catalog, book, outsider=participants.Outsider("José", email))
    with pytest.raises(DomainError, match="already hold 3"):
        reservations.request_item(
            catalog.initiative.id,
            books[3].id,
            pledged=1,
            outsider=participants.Outsider("José", decomposed),
        )
    db.session.rollback()
    leads.register_interest(catalog.initiative, participants.Outsider("José", decomposed))
    db.session.commit()
    assert db.session.execute(select(Participant.email)).scalars().all() == [composed]
    kinds = db.session.execute(select(Lead.kind)).scalars().all()
    assert (
        sorted(kind.value for kind in kinds)
        == ["contribution"] * 4 + ["interest"] + ["request"] * 3
    )
