"""Attendance: who came to an event, recorded by its leaders once it has started."""

from datetime import datetime

from flask_babel import gettext as _

from accounts.models import User
from core import audit
from core.errors import DomainError
from events.models import Event, RegistrationStatus
from events.queries import attendees


def mark_attendance(
    actor: User, event: Event, attended_user_ids: set[int], now: datetime | None = None
) -> int:
    """Record who came; only confirmed people can have attended. Returns how many came."""
    if not event.has_started(now):
        raise DomainError(_("Attendance can be marked once the event has started."))
    if event.is_cancelled:
        raise DomainError(_("This event was cancelled."))
    came = 0
    for registration in attendees(event):
        attended = (
            registration.status == RegistrationStatus.CONFIRMED
            and registration.user_id in attended_user_ids
        )
        registration.attended = attended
        came += attended
    audit.record(actor, "event.attendance", event, f"{came} attended")
    return came
