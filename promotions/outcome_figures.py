"""Everything one brief's outcome page shows: the splits by channel and post, group growth,
the catalog, and the actual and the steady pace day by day."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from community.history import member_counts
from core.extensions import db
from core.models import utcnow
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeKind,
    ItemStatus,
    Lead,
)
from promotions.links import LEAD, MEMBERSHIP, REGISTRATION
from promotions.models import (
    Channel,
    LinkVisit,
    Objective,
    PlannedPost,
    PromotionRequest,
    TrackedLink,
)
from promotions.outcomes import (
    TAKING_PART,
    GroupGrowth,
    OutcomeLine,
    _actual,
    _counted_attributions,
    _day_start,
    _group_growth,
    _line,
    elapsed_share,
    window_of,
)


@dataclass
class Split:
    """Clicks and what followed them, for one channel or one post."""

    label: str
    clicks: int = 0
    visitors: int = 0  # unique per day, summed over the days
    registrations: int = 0
    leads: int = 0
    joins: int = 0
    # Outside people who added or asked for something (not just registered interest).
    participant_ids: set = field(default_factory=set)

    @property
    def participants(self) -> int:
        return len(self.participant_ids)

    @property
    def outcomes(self) -> int:
        return self.registrations + self.leads + self.joins

    @property
    def conversion(self) -> float | None:
        """Outcomes per visitor, as a percentage."""
        return 100.0 * self.outcomes / self.visitors if self.visitors else None

    def count(self, kind: str, participant_id: int | None, counts: bool = True) -> None:
        """One outcome; `counts` is false for a further lead of a person already counted,
        who still took part."""
        if kind == REGISTRATION:
            self.registrations += 1
        elif kind == LEAD:
            self.leads += int(counts)
            if participant_id is not None:
                self.participant_ids.add(participant_id)
        elif kind == MEMBERSHIP:
            self.joins += 1


@dataclass
class CatalogFigures:
    """A promoted book exchange: what happened in the window, and where it stands."""

    currency: str
    added: int
    exchanged: int
    donations: Decimal
    total_items: int
    total_exchanged: int
    total_donations: Decimal


@dataclass
class PostFigures:
    post: PlannedPost
    split: Split


@dataclass
class Outcome:
    brief: PromotionRequest
    line: OutcomeLine
    start: date
    end: date
    today: date
    total: Split
    channels: list[Split]
    posts: list[PostFigures]
    growth: list[GroupGrowth]
    catalog: CatalogFigures | None
    days: list[date]
    actual_by_day: list[int]
    target_by_day: list[float]

    @property
    def elapsed(self) -> float:
        return elapsed_share(self.start, self.end, self.today)

    @property
    def expected_by_now(self) -> int | None:
        if not self.brief.target:
            return None
        return round(self.brief.target * self.elapsed)


def _visits(brief: PromotionRequest):
    """(link id, day, clicks, visitors) for every day a link of the brief was followed."""
    return db.session.execute(
        select(
            LinkVisit.link_id,
            LinkVisit.day,
            func.sum(LinkVisit.clicks),
            func.count(),
        )
        .join(TrackedLink, TrackedLink.id == LinkVisit.link_id)
        .where(TrackedLink.request_id == brief.id)
        .group_by(LinkVisit.link_id, LinkVisit.day)
    ).all()


def _attributions(brief: PromotionRequest):
    """(kind, channel id, link id, when, first of its person, outside participant, lead
    kind, channel name) for every outcome that counts."""
    return db.session.execute(_attribution_rows(), {"request_ids": [brief.id]}).all()


@cache
def _attribution_rows():
    """The statement of `_attributions`, built once (see `_counted_attributions`)."""
    counted = _counted_attributions().subquery()
    return (
        select(
            counted.c.kind,
            counted.c.channel_id,
            counted.c.link_id,
            counted.c.created_at,
            counted.c.first_of_person,
            Lead.participant_id,
            Lead.kind.label("lead_kind"),
            Channel.name.label("channel_name"),
        )
        .outerjoin(Lead, and_(counted.c.kind == LEAD, Lead.id == counted.c.object_id))
        .outerjoin(Channel, Channel.id == counted.c.channel_id)
    )


def _catalog_figures(brief: PromotionRequest, start: date, end: date) -> CatalogFigures | None:
    if brief.subject_kind != "initiative":
        return None
    initiative = db.session.get(Initiative, brief.subject_id)
    if initiative is None or initiative.kind != InitiativeKind.CATALOG:
        return None
    low, high = _day_start(start), _day_start(end + timedelta(days=1))
    exchanged = CatalogItem.status == ItemStatus.EXCHANGED
    in_window = and_(exchanged, CatalogItem.exchanged_at >= low, CatalogItem.exchanged_at < high)
    added = and_(CatalogItem.created_at >= low, CatalogItem.created_at < high)
    listed = CatalogItem.status.in_(COUNTED_ITEM_STATUSES)
    row = db.session.execute(
        select(
            func.count(case((and_(added, listed), 1))),
            func.count(case((in_window, 1))),
            func.coalesce(func.sum(case((in_window, CatalogItem.donation_amount))), 0),
            func.count(case((listed, 1))),
            func.count(case((exchanged, 1))),
            func.coalesce(func.sum(case((exchanged, CatalogItem.donation_amount))), 0),
        ).where(CatalogItem.initiative_id == initiative.id)
    ).one()
    return CatalogFigures(
        currency=initiative.currency,
        added=row[0],
        exchanged=row[1],
        donations=Decimal(row[2] or 0),
        total_items=row[3],
        total_exchanged=row[4],
        total_donations=Decimal(row[5] or 0),
    )


MAX_CHART_POINTS = 100


def _chart_days(start: date, end: date, today: date) -> list[date]:
    """The days the chart shows: the window, and up to two weeks after it while they pass."""
    last = end if today <= end else min(today, end + timedelta(days=14))
    length = (last - start).days + 1
    step = -(-length // MAX_CHART_POINTS)  # ceiling: at most 100 points
    picked = [start + timedelta(days=n) for n in range(0, length, step)]
    if picked[-1] != last:
        picked.append(last)
    return picked


def _daily_actual(brief, days, attributions, visits, growth, start) -> list[int]:
    """The actual as it stood at the end of each day (UTC)."""
    if brief.objective in (Objective.REGISTRATIONS, Objective.LEADS):
        kind = REGISTRATION if brief.objective == Objective.REGISTRATIONS else LEAD
        moments = sorted(
            row.created_at.date()
            for row in attributions
            if row.kind == kind and row.first_of_person
        )
        return [sum(1 for moment in moments if moment <= day) for day in days]
    if brief.objective == Objective.PAGE_VISITS:
        return [sum(row[2] for row in visits if row[1] <= day) for day in days]
    if brief.objective == Objective.GROUP_MEMBERS:
        points = member_counts(brief.community, days[0], days[-1], "day")
        by_day = {point.period_start: point.members for point in points}
        site_start = growth[0].start or 0
        result = []
        for day in days:
            gain = by_day.get(day, site_start) - site_start
            for line in growth[1:]:
                known = [count for taken_on, count in line.history if taken_on <= day]
                if known and line.start is not None:
                    gain += known[-1] - line.start
            result.append(gain)
        return result
    return [0 for _day in days]


def _target_by_day(target: int | None, start: date, end: date, days: list[date]) -> list[float]:
    """A steady pace from nothing on the first day to the target on the last."""
    if not target:
        return []
    length = (end - start).days + 1
    return [round(target * min((day - start).days + 1, length) / length, 1) for day in days]


def brief_outcome(brief: PromotionRequest, today: date | None = None) -> Outcome:
    """Everything the outcome page shows, in a fixed number of queries."""
    today = today or utcnow().date()
    start, end = window_of(brief)
    posts = list(
        db.session.execute(
            select(PlannedPost)
            .options(selectinload(PlannedPost.link), selectinload(PlannedPost.channel))
            .where(PlannedPost.request_id == brief.id)
            .order_by(PlannedPost.scheduled_at, PlannedPost.id)
        ).scalars()
    )
    visits = _visits(brief)
    attributions = _attributions(brief)
    # Channel names from the posts and the outcomes already read, not another query.
    channel_names = {row.channel_id: row.channel_name for row in attributions}
    channel_names.update({post.channel_id: post.channel.name for post in posts})

    total = Split("")
    by_channel: dict[int, Split] = {}
    by_link: dict[int, Split] = {}
    link_channel = {post.link.id: post.channel_id for post in posts if post.link}
    for post in posts:
        by_channel.setdefault(post.channel_id, Split(channel_names.get(post.channel_id, "")))
    for link_id, _day, clicks, visitors in visits:
        for split in (
            total,
            by_link.setdefault(link_id, Split("")),
            by_channel.setdefault(
                link_channel.get(link_id, 0), Split(channel_names.get(link_channel.get(link_id)))
            ),
        ):
            split.clicks += int(clicks)
            split.visitors += int(visitors)
    for row in attributions:
        taking_part = row.participant_id if row.lead_kind in TAKING_PART else None
        splits = [
            total,
            by_channel.setdefault(row.channel_id, Split(channel_names.get(row.channel_id))),
        ]
        if row.link_id is not None:
            splits.append(by_link.setdefault(row.link_id, Split("")))
        for split in splits:
            split.count(row.kind, taking_part, counts=bool(row.first_of_person))

    growth = _group_growth([brief], today)[brief.id]
    counts = {REGISTRATION: total.registrations, LEAD: total.leads}
    line = _line(brief, _actual(brief.objective, counts, total.clicks, growth), today)
    days = _chart_days(start, end, today)
    return Outcome(
        brief=brief,
        line=line,
        start=start,
        end=end,
        today=today,
        total=total,
        channels=sorted(by_channel.values(), key=lambda split: str(split.label)),
        posts=[
            PostFigures(post, by_link.get(post.link.id, Split("")) if post.link else Split(""))
            for post in posts
        ],
        growth=growth,
        catalog=_catalog_figures(brief, start, min(end, today)),
        days=days,
        actual_by_day=_daily_actual(brief, days, attributions, visits, growth, start),
        target_by_day=_target_by_day(brief.target, start, end, days),
    )
