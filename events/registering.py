"""Registering for events without overselling: seats, the waitlist, and seats that free up."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import event_registered, waitlist_promoted
from events.mail import (
    RegistrationMail,
    email_registration,
    email_seat_freed,
    prepare_registration_mail,
)
from events.models import Event, Registration, RegistrationStatus
from events.queries import count_by_status, waitlist_query


def register_for_event(user: User, event_id: int, now: datetime | None = None) -> Registration:
    """A seat if one is free, else a place at the end of the waitlist.

    The event's row lock is taken first, so concurrent sign-ups queue and
    capacity is never exceeded on either database.
    """
    ahead = _render_mail_ahead(user, event_id, now or utcnow())
    event = lock_row(Event, event_id)
    # Taken under the lock: the waitlist's order is the order the lock was granted in.
    now = now or utcnow()
    _check_open_for_registration(event, now)
    registration = db.session.execute(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    ).scalar_one_or_none()
    if registration is not None and registration.is_active:
        if registration.status == RegistrationStatus.CONFIRMED:
            raise DomainError(_("You are already registered for this event."))
        raise DomainError(_("You are already on the waitlist for this event."))
    status = _status_for(event, count_by_status(event))
    if registration is None:
        registration = Registration(event=event, user=user, created_at=now)
        db.session.add(registration)
    registration.status, registration.requested_at, registration.updated_at = status, now, now
    registration.attended = False
    db.session.flush()
    event_registered.send(event, registration=registration)
    email_registration(registration, ahead)
    return registration


def _render_mail_ahead(user: User, event_id: int, now: datetime) -> RegistrationMail | None:
    """The message for the status the seats read now give, rendered before the event's
    row lock: sign-ups for one event queue on that lock, and rendering was a third of
    the time each held it. Under the lock the message is rendered again only when the
    status or the event turned out otherwise (a race for the last seats, an edit)."""
    event = db.session.get(Event, event_id)
    if event is None or why_registration_is_closed(event, now) is not None:
        return None
    counts = count_by_status(event)
    return prepare_registration_mail(user, event, _status_for(event, counts))


def _status_for(event: Event, counts: dict[RegistrationStatus, int]) -> RegistrationStatus:
    """A seat when one is free and nobody waits for it, else the waitlist."""
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    waiting = counts.get(RegistrationStatus.WAITLISTED, 0)
    if event.capacity is None or (confirmed < event.capacity and waiting == 0):
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITLISTED


def _check_open_for_registration(event: Event, now: datetime) -> None:
    reason = why_registration_is_closed(event, now)
    if reason is not None:
        raise DomainError(reason)


def why_registration_is_closed(event: Event, now: datetime | None = None) -> str | None:
    """The message for people when registration is not open now, else None."""
    now = now or utcnow()
    if event.is_cancelled:
        return _("This event was cancelled.")
    if event.is_over(now):
        return _("This event is over.")
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    if now >= event.registration_closes:
        return _("Registration for this event is closed.")
    return None


def cancel_registration(user: User, event_id: int, now: datetime | None = None) -> Registration:
    """Give up a seat or a waitlist place; a freed seat goes to the first person waiting."""
    event = lock_row(Event, event_id)
    now = now or utcnow()
    registration = db.session.execute(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.user_id == user.id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalar_one_or_none()
    if registration is None:
        raise DomainError(_("You are not registered for this event."))
    if event.is_over(now):
        raise DomainError(_("This event is over."))
    registration.status, registration.updated_at = RegistrationStatus.CANCELLED, now
    db.session.flush()
    if not event.is_cancelled:
        fill_free_seats(event, now)
    return registration


def fill_free_seats(event: Event, now: datetime | None = None) -> list[Registration]:
    """Confirm people from the front of the waitlist while seats are free (under the lock)."""
    query = waitlist_query(event)
    if event.capacity is not None:
        confirmed = count_by_status(event).get(RegistrationStatus.CONFIRMED, 0)
        free = event.capacity - confirmed
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.execute(query).scalars())
    for registration in promoted:
        registration.status, registration.updated_at = RegistrationStatus.CONFIRMED, now or utcnow()
        email_seat_freed(registration)
    db.session.flush()
    for registration in promoted:
        waitlist_promoted.send(registration)
    return promoted
