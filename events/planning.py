"""Planning events: the details a leader types in, the rules they keep, and time zones."""

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from accounts.models import User
from community.models import Community
from core import audit
from core.bounds import FIRST_YEAR, LAST_YEAR
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import event_cancelled, event_changed
from core.zones import is_time_zone
from events.models import Event, EventVisibility, RegistrationStatus
from events.queries import count_by_status, registered_people
from events.registering import fill_free_seats

MAX_SEATS = 100_000


class EventRuleError(DomainError):
    """A rule about an event's details was broken; `field` names the form field to blame."""


# --- time zones ------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    if not is_time_zone(name):
        raise EventRuleError(_("Choose a time zone from the list."), "timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventRuleError(_("Choose a time zone from the list."), "timezone") from None


def local_to_utc(local: datetime, zone_name: str, field: str | None = None) -> datetime:
    """A wall-clock time in `zone_name` as an aware UTC datetime.

    A time skipped by a clock change (e.g. 03:30 on the spring-forward night)
    does not exist there, so it is refused rather than silently moved.
    """
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise EventRuleError(
            _("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR),
            field,
        )
    tz = zone(zone_name)
    aware = local.replace(tzinfo=tz)
    moment = aware.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise EventRuleError(
            _("This time does not exist in %(zone)s (the clocks change).", zone=zone_name), field
        )
    return moment


def utc_to_local(moment: datetime | None, zone_name: str) -> datetime | None:
    """The naive wall-clock time in `zone_name`, as a datetime-local input shows it."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


# --- planning --------------------------------------------------------------


@dataclass
class EventDetails:
    """What a leader types in; times are aware (UTC)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    description: str = ""
    place: str = ""
    online_url: str = ""
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    registration_goal: int | None = None
    visibility: EventVisibility = EventVisibility.MEMBERS

    @classmethod
    def of(cls, event: Event) -> "EventDetails":
        return cls(**{f.name: getattr(event, f.name) for f in fields(cls)})


def check_details(details: EventDetails) -> None:
    """The rules every event keeps; forms check the same, this is the last word."""
    zone(details.timezone)
    if not details.title.strip():
        raise EventRuleError(_("Give the event a title."), "title")
    if details.ends_at <= details.starts_at:
        raise EventRuleError(_("The event must end after it starts."), "ends_at")
    if details.capacity is not None and not 0 < details.capacity <= MAX_SEATS:
        raise EventRuleError(
            _("Capacity must be between 1 and %(max)s, or empty for no limit.", max=MAX_SEATS),
            "capacity",
        )
    if details.registration_goal is not None and not 0 < details.registration_goal <= MAX_SEATS:
        raise EventRuleError(
            _("The registration goal must be between 1 and %(max)s.", max=MAX_SEATS),
            "registration_goal",
        )
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if closes is not None and closes > details.ends_at:
        raise EventRuleError(
            _("Registration must close before the event ends."), "registration_closes_at"
        )
    if opens is not None and opens >= (closes or details.starts_at):
        raise EventRuleError(
            _("Registration must open before it closes (by default, when the event starts)."),
            "registration_opens_at",
        )


def create_event(actor: User, community: Community, details: EventDetails) -> Event:
    if community.is_archived:
        raise EventRuleError(_("An archived community cannot plan new events."))
    check_details(details)
    event = Event(community=community, created_by=actor, **_cleaned(details))
    db.session.add(event)
    db.session.flush()
    return event


def update_event(actor: User, event_id: int, details: EventDetails) -> Event:
    """Change an event; more seats promote people from the waitlist."""
    event = lock_row(Event, event_id)
    check_details(details)
    if event.is_cancelled:
        raise EventRuleError(_("A cancelled event cannot be changed."))
    confirmed = count_by_status(event).get(RegistrationStatus.CONFIRMED, 0)
    if details.capacity is not None and details.capacity < confirmed:
        raise EventRuleError(
            _(
                "%(num)s people are already registered; capacity cannot be lower.",
                num=confirmed,
            ),
            "capacity",
        )
    before = _time_and_place(event)
    for name, value in _cleaned(details).items():
        setattr(event, name, value)
    event.sequence += 1
    fill_free_seats(event)
    audit.record(actor, "event.update", event)
    after = _time_and_place(event)
    changes = [what for what in ("time", "place") if before[what] != after[what]]
    if changes:
        event_changed.send(event, people=_others(event, actor), changes=changes)
    return event


def _time_and_place(event: Event) -> dict:
    return {
        "time": (event.starts_at, event.ends_at, event.timezone),
        "place": (event.place, event.online_url),
    }


def _others(event: Event, actor: User) -> list[User]:
    """Who registered (a seat or the waitlist), but not whoever made the change."""
    return [person for person in registered_people(event) if person.id != actor.id]


def cancel_event(actor: User, event_id: int) -> Event:
    event = lock_row(Event, event_id)
    if event.is_cancelled:
        raise DomainError(_("This event is already cancelled."))
    if event.is_over():
        raise DomainError(_("This event is over; it can no longer be cancelled."))
    event.cancelled_at = utcnow()
    event.sequence += 1
    audit.record(actor, "event.cancel", event)
    event_cancelled.send(event, people=_others(event, actor))
    return event


def copy_details(event: Event, now: datetime | None = None) -> EventDetails:
    """The details of `event` for a new one; a past event's copy moves to the same weekday ahead."""
    details = EventDetails.of(event)
    now = now or utcnow()
    if details.starts_at <= now:
        weeks = (now - details.starts_at) // timedelta(weeks=1) + 1
        shift = timedelta(weeks=weeks)
        details.starts_at += shift
        details.ends_at += shift
        details.registration_opens_at = None
        details.registration_closes_at = None
    return details


def _cleaned(details: EventDetails) -> dict:
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    for name in ("title", "description", "place", "online_url"):
        values[name] = (values[name] or "").strip()
    return values
