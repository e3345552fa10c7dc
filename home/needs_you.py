"""Home's "Needs you": what waits for the person as a leader or as SMM, each thing with the
page (or the button) where it is done. Each kind is one query, whatever the data holds."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import joinedload

from community.models import Membership, MembershipStatus
from core.extensions import db
from core.models import utcnow
from events.models import Event, Registration, RegistrationStatus
from initiatives.models import CatalogItem, Initiative, ItemStatus, Lead, counted_leads
from promotions.models import BriefStatus, PlannedPost, PostStatus, PromotionRequest
from promotions.outcomes import WATCHED

SHOWN = 10  # of each kind; the linked page has the rest
ATTENDANCE_DAYS = 30  # past events whose attendance is still worth asking for
LEADS_DAYS = 7


@dataclass(frozen=True)
class LeaderTasks:
    join_requests: list[Membership]
    pending_books: list[tuple[Initiative, int]]
    outside_leads: list[tuple[Initiative, int]]
    attendance: list[Event]

    def __bool__(self) -> bool:
        return any((self.join_requests, self.pending_books, self.outside_leads, self.attendance))


def leader_tasks(led_ids: list[int], now: datetime | None = None) -> LeaderTasks:
    """Join requests, offered books, new outside interest and attendance to mark in the
    communities the person leads (four queries, none when they lead none)."""
    if not led_ids:
        return LeaderTasks([], [], [], [])
    now = now or utcnow()
    return LeaderTasks(
        join_requests=_join_requests(led_ids),
        pending_books=_per_initiative(
            select(CatalogItem.initiative_id, func.count()).where(
                CatalogItem.status == ItemStatus.PENDING
            ),
            CatalogItem.initiative_id,
            led_ids,
        ),
        outside_leads=_per_initiative(
            select(Lead.initiative_id, func.count()).where(
                Lead.participant_id.is_not(None),
                counted_leads(),
                Lead.created_at >= now - timedelta(days=LEADS_DAYS),
            ),
            Lead.initiative_id,
            led_ids,
        ),
        attendance=_attendance_to_mark(led_ids, now),
    )


def _join_requests(led_ids: list[int]) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .options(joinedload(Membership.user), joinedload(Membership.community))
            .where(
                Membership.community_id.in_(led_ids),
                Membership.status == MembershipStatus.PENDING,
            )
            .order_by(Membership.requested_at, Membership.id)
            .limit(SHOWN)
        ).scalars()
    )


def _per_initiative(counted, initiative_column, led_ids) -> list[tuple[Initiative, int]]:
    """(initiative, how many) for the led communities' initiatives with any, in one query."""
    counts = counted.group_by(initiative_column).subquery()
    rows = db.session.execute(
        select(Initiative, counts.c[1])
        .join(counts, counts.c[0] == Initiative.id)
        .where(Initiative.community_id.in_(led_ids))
        .order_by(Initiative.title, Initiative.id)
        .limit(SHOWN)
    )
    return [(initiative, count) for initiative, count in rows]


def _attendance_to_mark(led_ids: list[int], now: datetime) -> list[Event]:
    """Past events of the last month with confirmed people and nobody marked as come."""
    confirmed = exists().where(
        Registration.event_id == Event.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    marked = exists().where(Registration.event_id == Event.id, Registration.attended.is_(True))
    return list(
        db.session.execute(
            select(Event)
            .options(joinedload(Event.community))
            .where(
                Event.community_id.in_(led_ids),
                Event.cancelled_at.is_(None),
                Event.ends_at <= now,
                Event.ends_at > now - timedelta(days=ATTENDANCE_DAYS),
                confirmed,
                ~marked,
            )
            .order_by(Event.ends_at.desc(), Event.id)
            .limit(SHOWN)
        ).scalars()
    )


# --- promotions: SMM's queue and the briefs that fell behind ------------------------------


@dataclass(frozen=True)
class PromotionTasks:
    by_status: dict[BriefStatus, int]  # the queue's summary (SMM only)
    to_accept: list[PromotionRequest]
    posts_due: list[PlannedPost]
    at_risk: list[PromotionRequest]

    def __bool__(self) -> bool:
        return any((self.to_accept, self.posts_due, self.at_risk))


def promotion_tasks(is_smm: bool, led_ids: list[int], now: datetime | None = None):
    """SMM: the queue by status, briefs to accept and posts due within a week; SMM and
    leaders: the briefs at risk they can see. At most four queries."""
    now = now or utcnow()
    if not is_smm and not led_ids:
        return PromotionTasks({}, [], [], [])
    mine = PromotionRequest.status != BriefStatus.DRAFT
    if not is_smm:
        mine = and_(mine, PromotionRequest.community_id.in_(led_ids))
    at_risk = list(
        db.session.execute(
            select(PromotionRequest)
            .options(joinedload(PromotionRequest.community))
            .where(
                mine,
                PromotionRequest.status.in_(WATCHED),  # a closed brief's flag is history
                PromotionRequest.at_risk_since.is_not(None),
            )
            .order_by(PromotionRequest.at_risk_since, PromotionRequest.id)
            .limit(SHOWN)
        ).scalars()
    )
    if not is_smm:
        return PromotionTasks({}, [], [], at_risk)
    by_status = dict(
        db.session.execute(
            select(PromotionRequest.status, func.count())
            .where(PromotionRequest.status != BriefStatus.DRAFT)
            .group_by(PromotionRequest.status)
        ).all()
    )
    to_accept = list(
        db.session.execute(
            select(PromotionRequest)
            .options(joinedload(PromotionRequest.community))
            .where(PromotionRequest.status == BriefStatus.SUBMITTED)
            .order_by(
                PromotionRequest.content_deadline.is_(None),
                PromotionRequest.content_deadline,
                PromotionRequest.id,
            )
            .limit(SHOWN)
        ).scalars()
    )
    posts_due = list(
        db.session.execute(
            select(PlannedPost)
            .options(joinedload(PlannedPost.brief), joinedload(PlannedPost.channel))
            .where(
                PlannedPost.status == PostStatus.PLANNED,
                PlannedPost.scheduled_at < now + timedelta(days=7),
                PlannedPost.scheduled_at >= now - timedelta(days=1),
            )
            .order_by(PlannedPost.scheduled_at, PlannedPost.id)
            .limit(SHOWN)
        ).scalars()
    )
    return PromotionTasks(by_status, to_accept, posts_due, at_risk)
