"""What event pages read: events a person may see, seat counts, registrations, the waitlist."""

from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import Community, Membership, MembershipStatus
from core.extensions import db
from core.models import utcnow
from core.permissions import is_admin
from events.models import Event, EventVisibility, Registration, RegistrationStatus


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


def events_attended(user) -> int:
    """How many events a person was marked present at."""
    return db.session.execute(
        select(func.count()).where(
            Registration.user_id == user.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attended.is_(True),
        )
    ).scalar_one()


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


def registered_people(event: Event) -> list[User]:
    """The people holding a seat or waiting for one (to tell them of a change)."""
    return list(
        db.session.execute(
            select(User)
            .join(Registration, Registration.user_id == User.id)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(
                    (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
                ),
            )
            .order_by(User.id)
        ).scalars()
    )


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
            .order_by(Event.starts_at, Event.id)
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


def feed_events(user, community: Community, now: datetime | None = None) -> list[Event]:
    """The community's events of the last 90 days and all to come, cancelled ones included."""
    since = (now or utcnow()) - timedelta(days=90)
    query = (
        select(Event)
        .join(Event.community)
        .where(_visible_to(user), Event.community_id == community.id, Event.ends_at > since)
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.execute(query).scalars())
