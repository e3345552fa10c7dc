"""Event rules: planning, registering without overselling, the waitlist, attendance."""

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from accounts.mail import wanted_kinds
from accounts.models import User
from community.models import Community, Membership, MembershipStatus
from core import audit
from core.bounds import FIRST_YEAR, LAST_YEAR
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import is_admin
from core.signals import event_registered
from events.mail import email_registration, email_seat_freed
from events.models import Event, EventVisibility, Registration, RegistrationStatus

MAX_SEATS = 100_000


class EventRuleError(DomainError):
    """A rule about an event's details was broken; `field` names the form field to blame."""


# --- time zones ------------------------------------------------------------


@cache
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the whole tz database on disk each call (tens of ms);
    # every event time on a page asks, so read it once per process.
    return frozenset(available_timezones())


def time_zone_names() -> list[str]:
    return sorted(name for name in _known_zones() if "/" in name or name == "UTC")


def zone(name: str) -> ZoneInfo:
    if name not in _known_zones():
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
    for name, value in _cleaned(details).items():
        setattr(event, name, value)
    event.sequence += 1
    _fill_free_seats(event)
    audit.record(actor, "event.update", event)
    return event


def cancel_event(actor: User, event_id: int) -> Event:
    event = lock_row(Event, event_id)
    if event.is_cancelled:
        raise DomainError(_("This event is already cancelled."))
    if event.is_over():
        raise DomainError(_("This event is over; it can no longer be cancelled."))
    event.cancelled_at = utcnow()
    event.sequence += 1
    audit.record(actor, "event.cancel", event)
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


# --- registering -----------------------------------------------------------


def register_for_event(user: User, event_id: int, now: datetime | None = None) -> Registration:
    """A seat if one is free, else a place at the end of the waitlist.

    The event's row lock is taken first, so concurrent sign-ups queue and
    capacity is never exceeded on either database. Sign-ups for one event queue on
    that lock, so what can be read before it is: the person's e-mail settings.
    """
    wanted_kinds(user)
    event = lock_row(Event, event_id)
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
    counts = count_by_status(event)
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    waiting = counts.get(RegistrationStatus.WAITLISTED, 0)
    has_seat = event.capacity is None or (confirmed < event.capacity and waiting == 0)
    status = RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED
    if registration is None:
        registration = Registration(event=event, user=user, created_at=now)
        db.session.add(registration)
    registration.status, registration.requested_at, registration.updated_at = status, now, now
    registration.attended = False
    db.session.flush()
    event_registered.send(event, registration=registration)
    email_registration(registration)
    return registration


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
        _fill_free_seats(event, now)
    return registration


def _fill_free_seats(event: Event, now: datetime | None = None) -> list[Registration]:
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
    return promoted


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


# --- reading ---------------------------------------------------------------


def get_event(event_id: int) -> Event | None:
    return db.session.execute(
        select(Event).options(joinedload(Event.community)).where(Event.id == event_id)
    ).scalar_one_or_none()


def count_by_status(event: Event) -> dict[RegistrationStatus, int]:
    return counts_by_status([event.id]).get(event.id, {})


def counts_by_status(event_ids: list[int]) -> dict[int, dict[RegistrationStatus, int]]:
    """Registrations per status for each event, in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    counts: dict[int, dict[RegistrationStatus, int]] = {}
    for event_id, status, count in rows:
        counts.setdefault(event_id, {})[RegistrationStatus(status)] = count
    return counts


def attended_count(event: Event) -> int:
    return db.session.execute(
        select(func.count()).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attended.is_(True),
        )
    ).scalar_one()


def waitlist_query(event: Event):
    return (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.requested_at, Registration.id)
    )


def registration_of(user, event: Event) -> Registration | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.execute(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    ).scalar_one_or_none()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waitlist."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.execute(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(
                Registration.requested_at < registration.requested_at,
                (Registration.requested_at == registration.requested_at)
                & (Registration.id < registration.id),
            ),
        )
    ).scalar_one()
    return ahead + 1


def registrations_of(user, event_ids: list[int]) -> dict[int, Registration]:
    """The person's active registrations among `event_ids`, in one query."""
    if not event_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(Registration).where(
            Registration.user_id == user.id,
            Registration.event_id.in_(event_ids),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalars()
    return {registration.event_id: registration for registration in rows}


def attendees(event: Event) -> list[Registration]:
    """Everyone who registered, seats first, then the waitlist in order, then cancellations."""
    status_order = case(
        (Registration.status == RegistrationStatus.CONFIRMED, 0),
        (Registration.status == RegistrationStatus.WAITLISTED, 1),
        else_=2,
    )
    return list(
        db.session.execute(
            select(Registration)
            .options(joinedload(Registration.user))
            .where(Registration.event_id == event.id)
            .order_by(status_order, Registration.requested_at, Registration.id)
        ).scalars()
    )


def _visible_to(user):
    """A filter on events: those `user` may see in lists."""
    live = Community.archived_at.is_(None)
    if is_admin(user):
        return live
    member_of = select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    return live & or_(
        Event.visibility == EventVisibility.EMPLOYEES, Event.community_id.in_(member_of)
    )


def events_query(
    user, *, past: bool = False, community: Community | None = None, now: datetime | None = None
):
    """Events `user` may see: upcoming (soonest first) or past (latest first)."""
    now = now or utcnow()
    query = (
        select(Event)
        .join(Event.community)
        .options(joinedload(Event.community))
        .where(_visible_to(user))
    )
    if community is not None:
        query = query.where(Event.community_id == community.id)
    if past:
        return query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    return query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)


def upcoming_for_community(user, community: Community, limit: int = 5) -> list[Event]:
    query = events_query(user, community=community).where(Event.cancelled_at.is_(None))
    return list(db.session.execute(query.limit(limit)).scalars())


def communities_with_events(user) -> list[Community]:
    """Communities the person can see events of, for the list's filter."""
    query = (
        select(Community)
        .join(Event, Event.community_id == Community.id)
        .where(_visible_to(user))
        .distinct()
        .order_by(Community.name)
    )
    return list(db.session.execute(query).scalars())


def upcoming_registrations(user) -> list[Registration]:
    """The person's seats and waitlist places for events still to come."""
    return list(
        db.session.execute(
            select(Registration)
            .join(Registration.event)
            .options(joinedload(Registration.event))
            .where(
                Registration.user_id == user.id,
                Registration.status != RegistrationStatus.CANCELLED,
                Event.ends_at > utcnow(),
            )
            .order_by(Event.starts_at)
        ).scalars()
    )


# --- calendar feeds --------------------------------------------------------


def feed_events(user, community: Community, now: datetime | None = None) -> list[Event]:
    """The community's events of the last 90 days and all to come, cancelled ones included."""
    since = (now or utcnow()) - timedelta(days=90)
    query = (
        select(Event)
        .join(Event.community)
        .where(_visible_to(user), Event.community_id == community.id, Event.ends_at > since)
        .order_by(Event.starts_at)
    )
    return list(db.session.execute(query).scalars())
