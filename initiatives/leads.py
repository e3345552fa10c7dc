"""Leads: who showed interest in an initiative, offered or requested a book, and from where."""

import csv
import io

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.errors import DomainError
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
    writer.writerow(["created_at", "kind", "name", "email", "outside", "source", "withdrawn_at"])
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
                    lead.withdrawn_at.isoformat(timespec="seconds") if lead.withdrawn_at else "",
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


def interest_of(
    initiative: Initiative, *, user: User | None = None, participant: Participant | None = None
) -> Lead | None:
    """The person's interest lead on the initiative (an employee's withdrawn or not)."""
    person = Lead.user_id == user.id if user else Lead.participant_id == participant.id
    return db.session.execute(
        select(Lead).where(
            Lead.initiative_id == initiative.id, person, Lead.kind == LeadKind.INTEREST
        )
    ).scalar_one_or_none()


def _interest(initiative: Initiative, source: str | None, **who) -> Lead:
    """The person's one interest lead, added if they have none (a unique index settles two
    sent at once; only a new lead is announced, so a tracked link gets it once)."""
    lead = interest_of(initiative, **who)
    if lead is None:
        lead = _new_lead(initiative, LeadKind.INTEREST, who.get("user"), who.get("participant"),
                         source)  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(lead)
        except IntegrityError:
            lead = interest_of(initiative, **who)
        else:
            lead_created.send(initiative, lead=lead)
            return lead
    if lead.source is None and source:
        lead.source = source[:80]  # the first place they came from that we know
    return lead


def register_interest(initiative: Initiative, outsider: Outsider) -> Lead:
    """An outside person's interest: one lead per e-mail and initiative, however often they
    send the form."""
    check_taking_part(initiative)
    participant = find_or_add_participant(outsider.name, outsider.email)
    return _interest(initiative, outsider.source, participant=participant)


# --- an employee's "I'm in" and "I'm out" (general initiatives) --------------------------


def is_in(initiative: Initiative, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    lead = interest_of(initiative, user=user)
    return lead is not None and not lead.is_withdrawn


def _check_joinable(initiative: Initiative) -> None:
    if initiative.is_catalog:
        raise DomainError(_("People take part in a book exchange with its books."))
    check_taking_part(initiative)


def join_interest(initiative: Initiative, user: User, source: str | None = None) -> Lead:
    """ "I'm in": one lead per person and initiative, however often they click. After
    "I'm out" the same lead counts again."""
    _check_joinable(initiative)
    lead = _interest(initiative, source, user=user)
    lead.withdrawn_at = None
    db.session.flush()
    return lead


def withdraw_interest(initiative: Initiative, user: User) -> Lead | None:
    """ "I'm out": the lead stops counting but stays, with its attribution, for the record."""
    _check_joinable(initiative)
    lead = interest_of(initiative, user=user)
    if lead is not None and lead.withdrawn_at is None:
        lead.withdrawn_at = utcnow()
        db.session.flush()
    return lead
