"""Requesting a book: the reservation, and how many books one person may hold reserved."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from accounts.models import User
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from initiatives.catalog_items import clear_reservation, locked_item, set_status
from initiatives.editing import check_amount, check_catalog
from initiatives.leads import record_lead
from initiatives.models import CatalogItem, Initiative, ItemStatus, LeadKind, Participant
from initiatives.participants import (
    Outsider,
    check_outside_address,
    find_or_add_participant,
    normalise_email,
)


def request_item(
    initiative_id: int,
    item_id: int,
    *,
    pledged,
    user: User | None = None,
    outsider: Outsider | None = None,
    now: datetime | None = None,
) -> CatalogItem:
    """Reserve the item for the requester; of two people at once, exactly one gets it, and
    nobody holds more than RESERVATION_LIMIT_PER_PERSON books of the catalog."""
    now = now or utcnow()
    # The initiative's row first: one person's parallel requests queue behind each other,
    # so each counts the others' reservations (the item's lock alone would not).
    if lock_row(Initiative, initiative_id) is None:
        raise DomainError(_("This book is no longer in the catalog."), field="pledged")
    item = locked_item(initiative_id, item_id, now)  # a reservation that ran out is released
    initiative = item.initiative
    if outsider is not None:
        check_outside_address(outsider.email)
    check_catalog(initiative)
    amount = check_amount(pledged, field="pledged")
    if item.status == ItemStatus.RESERVED:
        raise DomainError(_("Sorry, someone has just reserved this book."), field="pledged")
    if item.status != ItemStatus.AVAILABLE:
        raise DomainError(_("This book is not available."), field="pledged")
    _check_reservation_limit(initiative, now, user_id=user.id if user is not None else None,
                             email=outsider.email if outsider is not None else None)  # fmt: skip
    participant = None
    if outsider is not None:
        participant = find_or_add_participant(outsider.name, outsider.email)
    elif user is None:
        raise ValueError("a request comes from a user or an outsider")
    item.reserved_by_user_id = None if participant else user.id
    item.reserved_by_participant_id = participant.id if participant else None
    item.reserved_at = now
    item.reservation_expires_at = now + timedelta(days=initiative.reservation_days)
    item.pledged_amount = amount
    who = f"participant {participant.id}" if participant else f"user {user.id}"
    actor = None if participant else user
    set_status(actor, item, ItemStatus.RESERVED, f"{who}; pledged {amount} {initiative.currency}")
    record_lead(
        initiative,
        LeadKind.REQUEST,
        user=actor,
        participant=participant,
        source=outsider.source if outsider else None,
    )
    return item


def cancel_reservation(user: User, initiative_id: int, item_id: int) -> CatalogItem:
    """The person who reserved a book lets it go: it is available again at once."""
    item = locked_item(initiative_id, item_id)  # a reservation that ran out is released
    if item.status != ItemStatus.RESERVED or item.reserved_by_user_id != user.id:
        raise DomainError(_("This book is not reserved for you."))
    clear_reservation(item)
    set_status(user, item, ItemStatus.AVAILABLE, "cancelled by the person who reserved it")
    return item


def _held_query(initiative: Initiative, now: datetime, user_id: int | None, email: str | None):
    if (user_id is None) == (email is None):
        raise ValueError("count a user's reservations or an e-mail's")
    query = select(CatalogItem).where(
        CatalogItem.initiative_id == initiative.id,
        CatalogItem.status == ItemStatus.RESERVED,
        or_(
            CatalogItem.reservation_expires_at.is_(None),
            CatalogItem.reservation_expires_at > now,
        ),
    )
    if user_id is not None:
        return query.where(CatalogItem.reserved_by_user_id == user_id)
    return query.join(Participant, Participant.id == CatalogItem.reserved_by_participant_id).where(
        Participant.email == normalise_email(email)
    )


def reservations_held(
    initiative: Initiative, now: datetime, *, user_id: int | None = None, email: str | None = None
) -> int:
    """Books of the catalog reserved (and not run out) by one person: an account's own
    reservations (made signed in, on either page), or an outside e-mail's."""
    held = _held_query(initiative, now, user_id, email).subquery()
    return db.session.execute(select(func.count()).select_from(held)).scalar_one()


@dataclass
class Share:
    """How many books one person may hold reserved, and (when we know who) the ones they do."""

    limit: int
    books: list[CatalogItem] | None = None  # None: we do not know who is asking

    @property
    def held(self) -> int:
        return len(self.books or ())

    @property
    def full(self) -> bool:
        return self.books is not None and self.held >= self.limit


def reservation_share(
    initiative: Initiative, *, user_id: int | None = None, email: str | None = None
) -> Share:
    limit = current_app.config["RESERVATION_LIMIT_PER_PERSON"]
    if user_id is None and not email:
        return Share(limit)
    query = _held_query(initiative, utcnow(), user_id, email)
    books = db.session.execute(
        query.order_by(CatalogItem.reservation_expires_at, CatalogItem.id)
    ).scalars()
    return Share(limit, list(books))


def _check_reservation_limit(
    initiative: Initiative, now: datetime, *, user_id: int | None, email: str | None
) -> None:
    limit = current_app.config["RESERVATION_LIMIT_PER_PERSON"]
    held = reservations_held(initiative, now, user_id=user_id, email=email)
    if held >= limit:
        raise DomainError(
            ngettext(
                "You already hold %(num)s reserved book here, the most one person may. "
                "Another can be reserved once a donation is confirmed or a reservation ends.",
                "You already hold %(num)s reserved books here, the most one person may. "
                "Another can be reserved once a donation is confirmed or a reservation ends.",
                held,
            ),
            field="pledged",
        )
