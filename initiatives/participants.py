"""Outside participants: people without an account who took part on a public page."""

import unicodedata
from contextlib import suppress
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.services import find_user_by_email, is_allowed_email
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from initiatives.models import Participant

FORGOTTEN_NAME = "—"
FORGOTTEN_DOMAIN = "forgotten.invalid"


@dataclass
class Outsider:
    """An outside person's details from a public form (consent already checked)."""

    name: str
    email: str
    source: str | None = None


def normalise_email(email: str) -> str:
    """One spelling per address: Unicode NFC, the domain in its IDNA-checked form, all in
    lower case (as email_validator normalises, then lowered, as addresses are compared)."""
    email = unicodedata.normalize("NFC", email.strip())
    # Forgotten participants' placeholders and older addresses stay as they are.
    with suppress(EmailNotValidError):
        email = validate_email(email, check_deliverability=False).normalized
    return email.lower()


def participant_by_email(email: str) -> Participant | None:
    return db.session.execute(
        select(Participant).where(Participant.email == normalise_email(email))
    ).scalar_one_or_none()


def participants_query(term: str = ""):
    query = select(Participant).order_by(Participant.created_at.desc(), Participant.id.desc())
    if term:
        query = query.where(
            Participant.email.contains(term.lower(), autoescape=True)
            | Participant.name.contains(term, autoescape=True)
        )
    return query


def find_or_add_participant(name: str, email: str) -> Participant:
    """The one participant with this e-mail: the name of their first form, the consent of
    their latest."""
    email = normalise_email(email)
    participant = participant_by_email(email)
    if participant is None:
        participant = Participant(name=name.strip(), email=email, consent_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(participant)
        except IntegrityError:
            # The same e-mail arrived in a parallel form a moment earlier: that is the person.
            participant = participant_by_email(email)
        else:
            return participant
    # The name stays the one they first gave: anyone may type an address into a form.
    participant.consent_at = utcnow()  # consent given again with this form
    return participant


class SignInToReserve(DomainError):
    """The address typed on the public form is a colleague's: they reserve signed in."""


def check_outside_address(email: str) -> None:
    """A colleague's address reserves only signed in: otherwise anyone could type it on the
    public page and use up that person's share."""
    email = normalise_email(email)
    if is_allowed_email(email) or find_user_by_email(email) is not None:
        raise SignInToReserve(
            _("Please sign in to reserve a book with a company address."), field="email"
        )


def forget_participant(actor, participant: Participant) -> None:
    """Erase an outside person's name and e-mail; their books, requests and leads stay
    (anonymous), so totals and promotion outcomes do not change."""
    if participant.email.endswith("@" + FORGOTTEN_DOMAIN):
        raise DomainError(_("This participant was already forgotten."))
    participant.name = FORGOTTEN_NAME
    participant.email = f"participant-{participant.id}@{FORGOTTEN_DOMAIN}"
    audit.record(actor, "participant.forget", participant)
