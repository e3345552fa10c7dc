"""Leads: who showed interest in an initiative, offered or requested a book, and from where."""

import csv
import io

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.extensions import db
from core.models import utcnow
from core.signals import lead_created
from core.spreadsheets import safe_cell
from initiatives.editing import check_taking_part
from initiatives.models import Initiative, Lead, LeadKind, Participant
from initiatives.participants import Outsider, find_or_add_participant


def leads_query(initiative: Initiative):
    return (
        select(Lead)
        .options(joinedload(Lead.participant), joinedload(Lead.user))
        .where(Lead.initiative_id == initiative.id)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )


def leads_csv(initiative: Initiative) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["created_at", "kind", "name", "email", "outside", "source"])
    for lead in db.session.execute(leads_query(initiative)).scalars():
        person = lead.participant or lead.user
        name = lead.participant.name if lead.participant else lead.user.display_name
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    lead.created_at.isoformat(timespec="seconds"),
                    lead.kind.value,
                    name,
                    person.email,
                    "yes" if lead.participant else "no",
                    lead.source or "",
                )
            ]
        )
    return out.getvalue()


def _new_lead(initiative, kind, user, participant, source) -> Lead:
    if (user is None) == (participant is None):
        raise ValueError("a lead comes from a user or from a participant")
    return Lead(
        initiative=initiative,
        kind=kind,
        user=user,
        participant=participant,
        source=(source or None) and source[:80],
        created_at=utcnow(),
    )


def record_lead(
    initiative: Initiative,
    kind: LeadKind,
    *,
    user: User | None = None,
    participant: Participant | None = None,
    source: str | None = None,
) -> Lead:
    lead = _new_lead(initiative, kind, user, participant, source)
    db.session.add(lead)
    db.session.flush()
    lead_created.send(initiative, lead=lead)
    return lead


def _interest_of(initiative: Initiative, participant: Participant) -> Lead | None:
    return db.session.execute(
        select(Lead).where(
            Lead.initiative_id == initiative.id,
            Lead.participant_id == participant.id,
            Lead.kind == LeadKind.INTEREST,
        )
    ).scalar_one_or_none()


def register_interest(initiative: Initiative, outsider: Outsider) -> Lead:
    """An outside person's interest: one lead per e-mail and initiative, however often they
    send the form (a unique index settles two sent at once)."""
    check_taking_part(initiative)
    participant = find_or_add_participant(outsider.name, outsider.email)
    lead = _interest_of(initiative, participant)
    if lead is None:
        lead = _new_lead(initiative, LeadKind.INTEREST, None, participant, outsider.source)
        try:
            with db.session.begin_nested():
                db.session.add(lead)
        except IntegrityError:
            lead = _interest_of(initiative, participant)
        else:
            lead_created.send(initiative, lead=lead)
            return lead
    if lead.source is None and outsider.source:
        lead.source = outsider.source[:80]  # the first place they came from that we know
    return lead
