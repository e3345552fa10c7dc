"""Leads and outside participants through the services: each lead recorded and signalled
once, exported safely, and one person per address."""

import unicodedata

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.signals import lead_created
from initiatives import (
    editing,
    leads,
    participants,
    reservations,
)
from initiatives.models import Lead, LeadKind, Participant
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    catalog_fixture,
    reserve,
    uploads_fixture,
)

OUTSIDER = participants.Outsider("Olha Outside", "Olha@Elsewhere.example", source="instagram-story")


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


def test_one_address_however_its_unicode_or_domain_is_written_is_one_person(catalog):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    composed = "jos\u00e9@b\u00fccher.example"  # é and ü as one character each
    decomposed = unicodedata.normalize("NFD", composed)
    for book, email in zip(
        books[:3],
        [composed, "JOS\u00c9@B\u00dcCHER.example", "jos\u00e9@xn--bcher-kva.example"],
        strict=True,
    ):
        reserve(catalog, book, outsider=participants.Outsider("José", email))
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
