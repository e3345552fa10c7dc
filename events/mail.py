"""E-mail about registrations: confirmation, waitlist, a seat that freed up, reminders."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.mail import (
    PreparedEmail,
    email_user,
    prepare_email,
    register_email_kind,
    site_context,
)
from core.extensions import db
from core.models import utcnow
from events.calendar import calendar_for
from events.models import Event, Registration, RegistrationStatus

register_email_kind("events", _l("My event registrations and reminders"))

TEMPLATES = {
    RegistrationStatus.CONFIRMED: "registration_confirmed",
    RegistrationStatus.WAITLISTED: "registration_waitlisted",
}


# Built .ics files by what they hold: a burst of sign-ups for one event builds its
# file once per process instead of once per person while the event's row is locked.
_CALENDAR_FILES: dict[tuple, bytes] = {}
_CALENDAR_FILES_KEPT = 256


def _calendar_key(event: Event) -> tuple:
    return (
        event.id, event.sequence, event.updated_at, event.title, event.starts_at,
        event.ends_at, event.timezone, event.description, event.place, event.online_url,
        event.is_cancelled, current_app.config["SITE_URL"],
    )  # fmt: skip


def _calendar_file(event: Event) -> list[tuple[str, str, bytes]]:
    key = _calendar_key(event)
    if (body := _CALENDAR_FILES.get(key)) is None:
        with site_context():  # the calendar links back to the event page
            body = calendar_for([event])
        if len(_CALENDAR_FILES) >= _CALENDAR_FILES_KEPT:
            _CALENDAR_FILES.clear()
        _CALENDAR_FILES[key] = body
    return [("event.ics", "text/calendar", body)]


@dataclass(frozen=True)
class RegistrationMail:
    """A registration's message rendered ahead, for the status and the event it was
    rendered for (`prepare_registration_mail`)."""

    status: RegistrationStatus
    event_key: tuple
    message: PreparedEmail | None


def prepare_registration_mail(user, event: Event, status: RegistrationStatus):
    """The confirmation or the waitlist notice `email_registration` would queue for `user`,
    rendered now: a sign-up renders it before it takes the event's row lock."""
    attachments = _calendar_file(event) if status == RegistrationStatus.CONFIRMED else []
    message = prepare_email(user, "events", TEMPLATES[status], event=event,
                            attachments=attachments)  # fmt: skip
    return RegistrationMail(status, _calendar_key(event), message)


def email_registration(registration: Registration, ahead: RegistrationMail | None = None):
    """Confirmation (with the .ics) or the waitlist notice, queued with the registration;
    the message rendered `ahead` when it was for this status and this event as it is."""
    event = registration.event
    if ahead is None or (ahead.status, ahead.event_key) != (
        registration.status,
        _calendar_key(event),
    ):
        ahead = prepare_registration_mail(registration.user, event, registration.status)
    if ahead.message is not None:
        ahead.message.queue()


def email_seat_freed(registration: Registration) -> None:
    email_user(registration.user, "events", "registration_promoted", event=registration.event,
               attachments=_calendar_file(registration.event))  # fmt: skip


def send_reminders(now=None) -> int:
    """Queue a reminder for each confirmed person of each event starting within the lead time.

    Each (event, person, start time) is reminded once, however often this runs; a
    moved event is reminded again for its new time.
    """
    now = now or utcnow()
    soon = now + timedelta(hours=current_app.config["EVENT_REMINDER_HOURS"])
    registrations = db.session.execute(
        select(Registration)
        .join(Registration.event)
        .options(joinedload(Registration.event), joinedload(Registration.user))
        .where(
            Event.starts_at > now,
            Event.starts_at <= soon,
            Event.cancelled_at.is_(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).scalars()
    queued = 0
    for registration in registrations:
        event = registration.event
        key = f"reminder:{event.id}:{registration.user_id}:{event.starts_at.isoformat()}"
        if email_user(registration.user, "events", "event_reminder", event=event, dedupe_key=key):
            queued += 1
    return queued
