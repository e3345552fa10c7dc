"""What a brief achieved: target against actual, per channel and post, pace and at-risk.

Everything here is computed from the data: attributions and link visits
(promotions.links), registrations, leads, membership history and the external
channels' snapshots. Only the per-post figures SMM types in from the channels'
own statistics (reach, reactions, clicks) come from people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from community.models import ChannelSnapshot, ExternalChannel, Membership
from community.services import member_counts
from core.bounds import FIRST_DAY, LAST_DAY
from core.extensions import db
from core.models import utcnow
from events.models import Registration, RegistrationStatus
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeKind,
    ItemStatus,
    Lead,
    LeadKind,
)
from promotions.links import LEAD, MEMBERSHIP, REGISTRATION
from promotions.models import (
    Attribution,
    BriefStatus,
    Channel,
    LinkVisit,
    Objective,
    PlannedPost,
    PromotionRequest,
    TrackedLink,
)

# Pace states, in the words the pages use (promotions/views.py labels them).
NO_TARGET = "no_target"
NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
MET = "met"
MISSED = "missed"

# Briefs whose pace is watched: the posts are planned or going out.
WATCHED = frozenset({BriefStatus.SCHEDULED, BriefStatus.RUNNING})
DEFAULT_WINDOW_DAYS = 30
TAKING_PART = (LeadKind.CONTRIBUTION, LeadKind.REQUEST)
SITE_MEMBERS = _l("Members on Guildhall")


# --- pace -----------------------------------------------------------------------


def elapsed_share(start: date, end: date, today: date) -> float:
    """How much of the window (both ends included) had passed by the start of `today`."""
    length = (end - start).days + 1
    return min(max((today - start).days / length, 0.0), 1.0)


def pace_state(
    target: int | None,
    actual: int,
    start: date | None,
    end: date | None,
    today: date,
    after: float = 0.5,
    pace: float = 0.8,
) -> str:
    """Is the brief where it should be by `today`?

    At risk once at least `after` of the window has passed and the actual is
    under `pace` × the share of the target that a steady pace would have
    reached by now: with the defaults, half the window gone and under 40 % of
    the target. After the window it is either met or missed.
    """
    if not target or start is None or end is None:
        return NO_TARGET
    if actual >= target:
        return MET
    if today < start:
        return NOT_STARTED
    if today > end:
        return MISSED
    share = elapsed_share(start, end, today)
    if share >= after and actual < pace * target * share:
        return AT_RISK
    return ON_TRACK


def window_of(brief: PromotionRequest) -> tuple[date, date]:
    """The publication window, or the best guess at it for a brief that names none."""
    start = brief.publish_from or (brief.submitted_at or brief.created_at).date()
    if brief.publish_until:
        end = brief.publish_until
    elif brief.subject_starts_at:
        end = brief.subject_starts_at.date()
    else:
        end = start + timedelta(days=DEFAULT_WINDOW_DAYS)
    # Briefs saved before the form bounded the dates may name any day up to 9999-12-31:
    # kept inside the site's dates, every day after the window still exists, and the
    # chart's days stay a few thousand at most.
    start = min(max(start, FIRST_DAY), LAST_DAY)
    return start, min(max(start, end), LAST_DAY)


def _configured_state(brief: PromotionRequest, actual: int, today: date) -> str:
    start, end = window_of(brief)
    config = current_app.config
    return pace_state(
        brief.target, actual, start, end, today, config["AT_RISK_AFTER"], config["AT_RISK_PACE"]
    )


# --- the figures ------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _counted_attributions(request_ids: list[int]):
    """Attribution rows of these briefs that count: not a cancelled registration, and a
    request to join only once a leader approved it (it has a joined date).

    A brief's leads are people: its column `first_of_person` is false for a lead of
    someone the brief already has an earlier lead of (one person's six offers, request
    and interest are one lead). Rows that count as outcomes are those where it is true;
    the others still tell who took part.
    """
    lead, earlier_mark, earlier_lead = aliased(Lead), aliased(Attribution), aliased(Lead)
    same_person = or_(
        and_(lead.participant_id.is_not(None), earlier_lead.participant_id == lead.participant_id),
        and_(lead.user_id.is_not(None), earlier_lead.user_id == lead.user_id),
    )
    earlier = (
        select(earlier_mark.id)
        .join(earlier_lead, earlier_lead.id == earlier_mark.object_id)
        .where(
            earlier_mark.request_id == Attribution.request_id,
            earlier_mark.kind == LEAD,
            earlier_mark.id < Attribution.id,
            same_person,
        )
        .exists()
    )
    first_of_person = or_(lead.id.is_(None), ~earlier).label("first_of_person")
    return (
        select(Attribution, first_of_person)
        .outerjoin(
            Registration,
            and_(Attribution.kind == REGISTRATION, Registration.id == Attribution.object_id),
        )
        .outerjoin(
            Membership,
            and_(Attribution.kind == MEMBERSHIP, Membership.id == Attribution.object_id),
        )
        .outerjoin(lead, and_(Attribution.kind == LEAD, lead.id == Attribution.object_id))
        .where(
            Attribution.request_id.in_(request_ids),
            or_(Registration.id.is_(None), Registration.status != RegistrationStatus.CANCELLED),
            or_(Membership.id.is_(None), Membership.joined_at.is_not(None)),
        )
    )


@dataclass
class GroupGrowth:
    """One group's size at the start of the window and now (or at its end)."""

    name: str
    start: int | None
    end: int | None
    history: list[tuple[date, int]] = field(default_factory=list)  # external channels' snapshots

    @property
    def gain(self) -> int:
        if self.start is None or self.end is None:
            return 0
        return self.end - self.start

    @property
    def percent(self) -> float | None:
        if not self.start or self.end is None:
            return None
        return 100.0 * self.gain / self.start


def _group_growth(briefs: list[PromotionRequest], today: date) -> dict[int, list[GroupGrowth]]:
    """Members on the site and in each external channel, at the window's start and end.

    Two queries whatever the number of briefs: conditional counts over the
    memberships, and the snapshots of the communities' channels.
    """
    if not briefs:
        return {}
    moments = {}
    for brief in briefs:
        start, end = window_of(brief)
        moments[brief.id] = (_day_start(start), _day_start(min(end, today) + timedelta(days=1)))

    def member_at(community_id: int, moment: datetime):
        return func.count(
            case(
                (
                    and_(
                        Membership.community_id == community_id,
                        Membership.joined_at <= moment,
                        or_(Membership.left_at.is_(None), Membership.left_at > moment),
                    ),
                    1,
                )
            )
        )

    columns = []
    for brief in briefs:
        columns += [member_at(brief.community_id, moment) for moment in moments[brief.id]]
    community_ids = sorted({brief.community_id for brief in briefs})
    row = db.session.execute(
        select(*columns).where(
            Membership.community_id.in_(community_ids), Membership.joined_at.is_not(None)
        )
    ).one()
    snapshots = db.session.execute(
        select(
            ExternalChannel.community_id,
            ExternalChannel.id,
            ExternalChannel.name,
            ChannelSnapshot.taken_on,
            ChannelSnapshot.member_count,
        )
        .join(ChannelSnapshot, ChannelSnapshot.channel_id == ExternalChannel.id)
        .where(ExternalChannel.community_id.in_(community_ids))
        .order_by(ExternalChannel.id, ChannelSnapshot.taken_on)
    ).all()
    by_community = defaultdict(list)
    for snapshot in snapshots:
        by_community[snapshot.community_id].append(snapshot)

    result = {}
    for i, brief in enumerate(briefs):
        lines = [GroupGrowth(str(SITE_MEMBERS), row[2 * i], row[2 * i + 1])]
        start, end = window_of(brief)
        last_day = min(end, today)
        channels: dict[int, GroupGrowth] = {}
        for snapshot in by_community[brief.community_id]:
            line = channels.setdefault(snapshot.id, GroupGrowth(snapshot.name, None, None))
            line.history.append((snapshot.taken_on, snapshot.member_count))
            # The latest count on or before the start; failing that, the first one in the window.
            if snapshot.taken_on <= start or (line.start is None and snapshot.taken_on <= last_day):
                line.start = snapshot.member_count
            if snapshot.taken_on <= last_day:
                line.end = snapshot.member_count
        lines += [line for line in channels.values() if line.start is not None]
        result[brief.id] = lines
    return result


@dataclass
class OutcomeLine:
    """A brief's target and actual in a sentence: what queues and reports show."""

    brief_id: int
    objective: Objective | None
    target: int | None
    actual: int
    state: str

    @property
    def ratio(self) -> float | None:
        return self.actual / self.target if self.target else None

    @property
    def at_risk(self) -> bool:
        return self.state == AT_RISK


def _actual(objective, counts: dict, visits: int, growth: list[GroupGrowth]) -> int:
    if objective == Objective.REGISTRATIONS:
        return counts.get(REGISTRATION, 0)
    if objective == Objective.LEADS:
        return counts.get(LEAD, 0)
    if objective == Objective.PAGE_VISITS:
        return visits
    if objective == Objective.GROUP_MEMBERS:
        return sum(line.gain for line in growth)
    return 0


def outcome_lines(
    briefs: list[PromotionRequest], today: date | None = None
) -> dict[int, OutcomeLine]:
    """Target, actual and pace of many briefs, in at most four queries.

    A reported brief reads its frozen final figures, so its line never drifts.
    """
    today = today or utcnow().date()
    live = [brief for brief in briefs if brief.final_actual is None]
    ids = [brief.id for brief in live]
    counts: dict[int, dict] = defaultdict(dict)
    visits: dict[int, int] = {}
    if ids:
        counted = _counted_attributions(ids).subquery()
        for request_id, kind, number in db.session.execute(
            select(counted.c.request_id, counted.c.kind, func.count())
            .where(counted.c.first_of_person)
            .group_by(counted.c.request_id, counted.c.kind)
        ):
            counts[request_id][kind] = number
        visits = dict(
            db.session.execute(
                select(TrackedLink.request_id, func.sum(LinkVisit.clicks))
                .join(LinkVisit, LinkVisit.link_id == TrackedLink.id)
                .where(TrackedLink.request_id.in_(ids))
                .group_by(TrackedLink.request_id)
            ).all()
        )
    growth = _group_growth([b for b in live if b.objective == Objective.GROUP_MEMBERS], today)
    lines = {}
    for brief in briefs:
        actual = _actual(
            brief.objective,
            counts[brief.id],
            int(visits.get(brief.id) or 0),
            growth.get(brief.id, []),
        )
        lines[brief.id] = _line(brief, actual, today)
    return lines


def _line(brief: PromotionRequest, live_actual: int, today: date) -> OutcomeLine:
    if brief.final_actual is not None:  # reported: the figures frozen then
        actual = brief.final_actual
        state = NO_TARGET if not brief.target else MET if actual >= brief.target else MISSED
    else:
        actual = live_actual
        state = _configured_state(brief, actual, today)
        if state == AT_RISK and brief.status not in WATCHED:
            state = ON_TRACK  # only a brief being published can fall behind
    return OutcomeLine(brief.id, brief.objective, brief.target, actual, state)


# --- the outcome page --------------------------------------------------------------


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
    counted = _counted_attributions([brief.id]).subquery()
    return db.session.execute(
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
    ).all()


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
