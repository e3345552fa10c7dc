"""Home's "Coming up": the person's seats and waitlist places, and the books they hold with
what to do next. Three queries at most, however many there are."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from community.models import Community
from core.extensions import db
from core.models import utcnow
from events.models import Event, Registration, RegistrationStatus
from initiatives.models import CatalogItem, Initiative, ItemStatus

SHOWN = 10


@dataclass(frozen=True)
class Seat:
    registration: Registration
    waitlist_position: int | None  # None: a confirmed seat


def my_registrations(user, now: datetime | None = None) -> list[Seat]:
    """The person's next events, soonest first, with their place on each waitlist."""
    now = now or utcnow()
    registrations = list(
        db.session.execute(
            select(Registration)
            .join(Registration.event)
            .options(joinedload(Registration.event).joinedload(Event.community))
            .where(
                Registration.user_id == user.id,
                Registration.status != RegistrationStatus.CANCELLED,
                Event.cancelled_at.is_(None),
                Event.ends_at > now,
                Event.community_id.in_(_live_communities()),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(SHOWN)
        ).scalars()
    )
    positions = _waitlist_positions(
        [r.id for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    )
    return [Seat(r, positions.get(r.id)) for r in registrations]


def _live_communities():
    """An archived community closes with its pages (404 for its members): not shown."""
    return select(Community.id).where(Community.archived_at.is_(None))


def _waitlist_positions(registration_ids: list[int]) -> dict[int, int]:
    """1 for the first person waiting, for each of these waitlist places (one query)."""
    if not registration_ids:
        return {}
    mine, ahead = Registration, aliased(Registration)
    rows = db.session.execute(
        select(mine.id, func.count(ahead.id))
        .outerjoin(
            ahead,
            and_(
                ahead.event_id == mine.event_id,
                ahead.status == RegistrationStatus.WAITLISTED,
                or_(
                    ahead.requested_at < mine.requested_at,
                    (ahead.requested_at == mine.requested_at) & (ahead.id < mine.id),
                ),
            ),
        )
        .where(mine.id.in_(registration_ids))
        .group_by(mine.id)
    )
    return {registration_id: count + 1 for registration_id, count in rows}


def my_reservations(user, now: datetime | None = None) -> list[CatalogItem]:
    """Books the person holds reserved (not run out), the one expiring first on top."""
    now = now or utcnow()
    return list(
        db.session.execute(
            select(CatalogItem)
            .options(joinedload(CatalogItem.initiative))
            .join(CatalogItem.initiative)
            .where(
                CatalogItem.reserved_by_user_id == user.id,
                CatalogItem.status == ItemStatus.RESERVED,
                Initiative.community_id.in_(_live_communities()),
                or_(
                    CatalogItem.reservation_expires_at.is_(None),
                    CatalogItem.reservation_expires_at > now,
                ),
            )
            .order_by(CatalogItem.reservation_expires_at, CatalogItem.id)
            .limit(SHOWN)
        ).scalars()
    )
