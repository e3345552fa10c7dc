"""Figures for a community over a period, each computed from the data in a bounded number of
queries: membership history, active members, events, initiatives, leads, channels, campaigns.

Moments are UTC; a period's bounds are its local days' (see reports.periods). "In the
period" means from its first moment up to, not including, the first moment after it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, distinct, func, or_, select, union_all

from community.models import ChannelSnapshot, Community, ExternalChannel, Membership
from core.audit import AuditEntry
from core.bounds import LAST_DAY
from core.extensions import db
from core.models import utcnow
from events.models import Event, Registration, RegistrationStatus
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeStatus,
    ItemStatus,
    Lead,
)
from promotions.models import BriefComment, BriefStatus, PromotionRequest
from promotions.outcomes import OutcomeLine, outcome_lines
from reports.periods import Period, local_midnight

# Briefs that SMM put on the calendar: their publication windows are campaigns that ran
# (or will run); drafts and declined requests never reached anyone.
CAMPAIGN_STATUSES = (
    BriefStatus.SCHEDULED,
    BriefStatus.RUNNING,
    BriefStatus.REPORTED,
    BriefStatus.CLOSED,
)
# What stayed of a campaign's lift is read this long after its window.
AFTER_A_CAMPAIGN = timedelta(days=30)


def percent_change(before: float, after: float) -> float | None:
    """Growth in % from `before` to `after`; None when there was nothing to grow from."""
    return None if not before else 100.0 * (after - before) / before


def share(part: float, whole: float) -> float | None:
    return None if not whole else 100.0 * part / whole


def _within(column, period: Period):
    return and_(column >= period.starts_at, column < period.ends_at)


# --- members ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipFigures:
    members_at_start: int
    members_at_end: int
    joined: int  # membership periods that started in the period (re-joins count again)
    left: int

    @property
    def net(self) -> int:
        return self.members_at_end - self.members_at_start

    @property
    def growth_percent(self) -> float | None:
        return percent_change(self.members_at_start, self.members_at_end)


def _member_at(moment: datetime):
    """A member at `moment`: joined before it and had not left by it."""
    return and_(
        Membership.joined_at.is_not(None),
        Membership.joined_at < moment,
        or_(Membership.left_at.is_(None), Membership.left_at >= moment),
    )


def _left_within(period: Period):
    """A member who left in the period. A request that was withdrawn or turned down also
    gets a `left_at`, but without a `joined_at`: that person was never a member."""
    return and_(Membership.joined_at.is_not(None), _within(Membership.left_at, period))


def membership_counts(
    community: Community, periods: list[Period], moments: list[datetime] = ()
) -> tuple[list[MembershipFigures], list[int]]:
    """Membership figures for each period and members at each moment, in one query.

    Counted from the membership periods, so joins, leaves and re-joins all count. For
    each distinct moment m the query counts the periods that began before m and those
    that ended before m; every figure is a difference of those two running counts
    (a member at m began before m and had not ended by then, because a membership
    period ends after it begins). Far fewer columns than one per figure: a chart's
    months share their bounds.
    """
    bounds = sorted({*(p.starts_at for p in periods), *(p.ends_at for p in periods), *moments})
    if not bounds:
        return [], []
    ended = lambda moment: and_(Membership.joined_at.is_not(None), Membership.left_at < moment)  # noqa: E731
    columns = []
    for moment in bounds:
        columns += [
            func.count(case((Membership.joined_at < moment, 1))),
            func.count(case((ended(moment), 1))),
        ]
    row = db.session.execute(select(*columns).where(Membership.community_id == community.id)).one()
    began = {moment: row[2 * i] for i, moment in enumerate(bounds)}
    left = {moment: row[2 * i + 1] for i, moment in enumerate(bounds)}

    def members(moment: datetime) -> int:
        return began[moment] - left[moment]

    figures = [
        MembershipFigures(
            members_at_start=members(p.starts_at),
            members_at_end=members(p.ends_at),
            joined=began[p.ends_at] - began[p.starts_at],
            left=left[p.ends_at] - left[p.starts_at],
        )
        for p in periods
    ]
    return figures, [members(moment) for moment in moments]


def membership_figures(community: Community, period: Period) -> MembershipFigures:
    return membership_counts(community, [period])[0][0]


# --- active members --------------------------------------------------------------------


def _activity(start: datetime, end: datetime, community_ids: list[int] | None):
    """(community, person, moment) of everything that makes a member active: registering
    for an event, attending one, a lead (interest, an offered or requested catalog item)
    in an initiative, a comment on a promotion brief; each while the person was a member."""

    def part(source, joined, on, community_column, user_column, moment, *where):
        query = (
            select(
                community_column.label("community_id"),
                user_column.label("user_id"),
                moment.label("at"),
            )
            .select_from(source)
            .join(joined, on)
            # A member at that moment; joined here, where the person's memberships are
            # found by index, rather than outside the union, where nothing is indexed.
            .join(
                Membership,
                and_(
                    Membership.user_id == user_column,
                    Membership.community_id == community_column,
                    Membership.joined_at <= moment,
                    or_(Membership.left_at.is_(None), Membership.left_at > moment),
                ),
            )
            .where(moment >= start, moment < end, *where)
        )
        if community_ids is not None:
            query = query.where(community_column.in_(community_ids))
        return query

    to_event = (Registration, Event, Event.id == Registration.event_id)
    registrations = [
        part(*to_event, Event.community_id, Registration.user_id, moment)
        for moment in (Registration.created_at, Registration.requested_at)
    ]
    attended = part(*to_event, Event.community_id, Registration.user_id, Event.starts_at,
                    Registration.attended.is_(True))  # fmt: skip
    leads = part(Lead, Initiative, Initiative.id == Lead.initiative_id,
                 Initiative.community_id, Lead.user_id, Lead.created_at)  # fmt: skip
    comments = part(BriefComment, PromotionRequest, PromotionRequest.id == BriefComment.request_id,
                    PromotionRequest.community_id, BriefComment.author_id,
                    BriefComment.created_at)  # fmt: skip
    return union_all(*registrations, attended, leads, comments).subquery("activity")


def active_members(
    periods: list[Period], community_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Per community, for each period: the distinct members who did something in it (see
    `_activity`). One query for any number of communities."""
    start = min(period.starts_at for period in periods)
    end = max(period.ends_at for period in periods)
    activity = _activity(start, end, community_ids)
    rows = db.session.execute(
        select(
            activity.c.community_id,
            *[
                func.count(distinct(case((_within(activity.c.at, period), activity.c.user_id))))
                for period in periods
            ],
        ).group_by(activity.c.community_id)
    )
    return {community_id: list(counts) for community_id, *counts in rows}


# --- events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldEvent:
    id: int
    title: str
    starts_at: datetime
    registrations: int  # confirmed seats
    attended: int


@dataclass(frozen=True)
class EventFigures:
    held: int
    registrations: int
    attended: int
    # Attended ÷ registered over the events whose attendance was taken: an event
    # nobody marked says nothing about who came.
    attendance_rate: float | None

    @classmethod
    def of(cls, events: list[HeldEvent]) -> "EventFigures":
        marked = [event for event in events if event.attended]
        return cls(
            held=len(events),
            registrations=sum(event.registrations for event in events),
            attended=sum(event.attended for event in events),
            attendance_rate=share(
                sum(e.attended for e in marked), sum(e.registrations for e in marked)
            ),
        )


def events_held(
    community: Community, start: datetime, end: datetime, now: datetime
) -> list[HeldEvent]:
    """The community's events that started between `start` and `end` (and before `now`),
    with confirmed registrations and attendance, in one query."""
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_at,
            func.count(case((confirmed, 1))),
            func.count(case((and_(confirmed, Registration.attended.is_(True)), 1))),
        )
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(
            Event.community_id == community.id,
            Event.cancelled_at.is_(None),
            Event.starts_at >= start,
            Event.starts_at < min(end, now),
        )
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at, Event.id)
    )
    return [HeldEvent(*row) for row in rows]


def in_period(events: list[HeldEvent], period: Period) -> list[HeldEvent]:
    return [e for e in events if period.starts_at <= e.starts_at < period.ends_at]


def largest_event(events: list[HeldEvent]) -> HeldEvent | None:
    """The event with the most registrations (the earlier of equals)."""
    return max(events, key=lambda event: event.registrations, default=None)


# --- initiatives, leads and outside participants ---------------------------------------


@dataclass(frozen=True)
class InitiativeProgress:
    initiative: Initiative
    leads: int  # in the period
    leads_by_end: int = 0  # since the initiative began: people interested, as its page counts
    # Catalog initiatives: the catalog by the end of the period, and what the period added.
    items: int = 0
    exchanged: int = 0
    donations: Decimal = Decimal(0)
    exchanged_in_period: int = 0
    donations_in_period: Decimal = Decimal(0)

    @property
    def exchanged_share(self) -> float | None:
        return share(self.exchanged, self.items)

    @property
    def target_share(self) -> float | None:
        """Progress against the initiative's numeric target, as its page measures it: books
        exchanged for a catalog, people interested for any other initiative."""
        done = self.exchanged if self.initiative.is_catalog else self.leads_by_end
        return share(done, self.initiative.target or 0)


def _last_audited(subject_type: str, actions: tuple[str, ...], subject_ids):
    """(id, at): when each subject last got one of these audit entries. The audit log is
    the only record of when a status changed, so past periods can be told as they were."""
    return (
        select(AuditEntry.subject_id.label("id"), func.max(AuditEntry.created_at).label("at"))
        .where(
            AuditEntry.subject_type == subject_type,
            AuditEntry.action.in_(actions),
            AuditEntry.subject_id.in_(subject_ids),
        )
        .group_by(AuditEntry.subject_id)
        .subquery()
    )


def initiative_progress(community: Community, period: Period) -> list[InitiativeProgress]:
    """The community's initiatives that were open during the period, with their progress
    by its end, in three queries.

    What later changes must not rewrite a past period: an initiative closed before the
    period began is not in it, and a book withdrawn after the period still counts in its
    catalog (both from the audit log; without an entry, the current status decides).
    Exchanges are dated by `exchanged_at`.
    """
    closed = InitiativeStatus.CLOSED
    closed_at = _last_audited(
        "Initiative",
        ("initiative.created", "initiative.status_changed"),  # the last one closed it
        select(Initiative.id).where(
            Initiative.community_id == community.id, Initiative.status == closed
        ),
    )
    initiatives = list(
        db.session.execute(
            select(Initiative)
            .outerjoin(closed_at, closed_at.c.id == Initiative.id)
            .where(
                Initiative.community_id == community.id,
                Initiative.status != InitiativeStatus.DRAFT,
                or_(
                    Initiative.starts_on <= period.end,
                    and_(Initiative.starts_on.is_(None), Initiative.created_at < period.ends_at),
                ),
                or_(Initiative.ends_on.is_(None), Initiative.ends_on >= period.start),
                or_(
                    Initiative.status != closed,
                    closed_at.c.at.is_(None),
                    closed_at.c.at >= period.starts_at,
                ),
            )
            .order_by(Initiative.title, Initiative.id)
        ).scalars()
    )
    ids = [initiative.id for initiative in initiatives]
    if not ids:
        return []
    withdrawn_at = _last_audited(
        "CatalogItem",
        ("catalog_item.withdrawn",),
        select(CatalogItem.id).where(
            CatalogItem.initiative_id.in_(ids), CatalogItem.status == ItemStatus.WITHDRAWN
        ),
    )
    in_catalog = and_(
        CatalogItem.created_at < period.ends_at,
        or_(
            CatalogItem.status.in_(COUNTED_ITEM_STATUSES),
            and_(CatalogItem.status == ItemStatus.WITHDRAWN, withdrawn_at.c.at >= period.ends_at),
        ),
    )
    by_end = CatalogItem.exchanged_at < period.ends_at
    exchanged = and_(CatalogItem.status == ItemStatus.EXCHANGED, by_end)
    exchanged_now = and_(exchanged, CatalogItem.exchanged_at >= period.starts_at)
    catalog = {
        initiative_id: rest
        for initiative_id, *rest in db.session.execute(
            select(
                CatalogItem.initiative_id,
                func.count(case((in_catalog, 1))),
                func.count(case((exchanged, 1))),
                func.sum(case((exchanged, CatalogItem.donation_amount))),
                func.count(case((exchanged_now, 1))),
                func.sum(case((exchanged_now, CatalogItem.donation_amount))),
            )
            .outerjoin(withdrawn_at, withdrawn_at.c.id == CatalogItem.id)
            .where(CatalogItem.initiative_id.in_(ids))
            .group_by(CatalogItem.initiative_id)
        )
    }
    leads = {
        initiative_id: (in_period, by_then)
        for initiative_id, in_period, by_then in db.session.execute(
            select(
                Lead.initiative_id,
                func.count(case((Lead.created_at >= period.starts_at, 1))),
                func.count(),
            )
            .where(Lead.initiative_id.in_(ids), Lead.created_at < period.ends_at)
            .group_by(Lead.initiative_id)
        )
    }
    progress = []
    for initiative in initiatives:
        items, done, donations, done_now, donations_now = catalog.get(initiative.id, (0,) * 5)
        leads_in_period, leads_by_end = leads.get(initiative.id, (0, 0))
        progress.append(
            InitiativeProgress(
                initiative=initiative,
                leads=leads_in_period,
                leads_by_end=leads_by_end,
                items=items or 0,
                exchanged=done or 0,
                donations=_money(donations),
                exchanged_in_period=done_now or 0,
                donations_in_period=_money(donations_now),
            )
        )
    return progress


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class LeadFigures:
    leads: int
    outside_participants: int  # distinct outside people behind those leads


def lead_figures(community: Community, periods: list[Period]) -> list[LeadFigures]:
    """Leads in the community's initiatives, and the outside people among them, for each
    period, in one query."""
    columns = []
    for period in periods:
        inside = _within(Lead.created_at, period)
        columns += [
            func.count(case((inside, 1))),
            func.count(distinct(case((inside, Lead.participant_id)))),
        ]
    row = db.session.execute(
        select(*columns)
        .select_from(Lead)
        .join(Initiative, Initiative.id == Lead.initiative_id)
        .where(Initiative.community_id == community.id)
    ).one()
    return [LeadFigures(row[2 * i], row[2 * i + 1]) for i in range(len(periods))]


# --- external channels -----------------------------------------------------------------


@dataclass(frozen=True)
class ChannelGrowth:
    name: str
    url: str
    at_start: int | None  # the last count recorded on or before the period's first day
    at_end: int | None  # the last count recorded on or before its last day

    @property
    def growth_percent(self) -> float | None:
        if self.at_start is None or self.at_end is None:
            return None
        return percent_change(self.at_start, self.at_end)


def channels_growth(community: Community, periods: list[Period]) -> list[list[ChannelGrowth]]:
    """Each external channel's member count at the start and end of each period, from the
    snapshots, in one query. When the first count came during a period, it is the start."""
    snapshots = db.session.execute(
        select(
            ExternalChannel.id,
            ExternalChannel.name,
            ExternalChannel.url,
            ChannelSnapshot.taken_on,
            ChannelSnapshot.member_count,
        )  # fmt: skip
        .outerjoin(ChannelSnapshot, ChannelSnapshot.channel_id == ExternalChannel.id)
        .where(ExternalChannel.community_id == community.id)
        .order_by(ExternalChannel.name, ExternalChannel.id, ChannelSnapshot.taken_on)
    ).all()
    channels: dict[int, tuple[str, str, list]] = {}
    for channel_id, name, url, taken_on, count in snapshots:
        history = channels.setdefault(channel_id, (name, url, []))[2]
        if taken_on is not None:
            history.append((taken_on, count))
    return [
        [_growth_in(name, url, history, period) for name, url, history in channels.values()]
        for period in periods
    ]


def _growth_in(name: str, url: str, history: list[tuple[date, int]], period: Period):
    start = end = None
    for taken_on, count in history:  # oldest first
        if taken_on <= period.start or (start is None and taken_on <= period.end):
            start = count
        if taken_on <= period.end:
            end = count
    return ChannelGrowth(name, url, start, end)


def channel_growth(community: Community, period: Period) -> list[ChannelGrowth]:
    return channels_growth(community, [period])[0]


# --- campaigns -------------------------------------------------------------------------


def campaigns_between(community: Community, first_day: date, last_day: date):
    """The community's briefs whose publication window touches these days, oldest first.

    Pass today as `last_day` at the latest: a window that has not opened yet published
    nothing, and its "members before" would be a moment still to come."""
    return list(
        db.session.execute(
            select(PromotionRequest)
            .where(
                PromotionRequest.community_id == community.id,
                PromotionRequest.status.in_(CAMPAIGN_STATUSES),
                PromotionRequest.publish_from.is_not(None),
                PromotionRequest.publish_until.is_not(None),
                PromotionRequest.publish_from <= last_day,
                PromotionRequest.publish_until >= first_day,
            )
            .order_by(PromotionRequest.publish_from, PromotionRequest.id)
        ).scalars()
    )


def ran_in(brief: PromotionRequest, period: Period) -> bool:
    return brief.publish_from <= period.end and brief.publish_until >= period.start


@dataclass(frozen=True)
class CampaignLift:
    """Members when a campaign's window opened, when it closed, and a month later."""

    before: int
    after: int
    later: int | None  # None until a month has passed

    @property
    def lift(self) -> int:
        return self.after - self.before

    @property
    def kept(self) -> int | None:
        return None if self.later is None else self.later - self.before


def lift_moments(brief: PromotionRequest, zone: str, now: datetime) -> list[datetime]:
    opened = local_midnight(brief.publish_from, zone)
    # A window saved before the form bounded it may end on 9999-12-31, the calendar's last day.
    closed = local_midnight(min(brief.publish_until, LAST_DAY) + timedelta(days=1), zone)
    later = closed + AFTER_A_CAMPAIGN
    return [opened, min(closed, now), later] if later <= now else [opened, min(closed, now)]


def window_on_chart(units: list[Period], first_day: date, last_day: date):
    """Where the days from `first_day` to `last_day` fall on a chart whose point i is the
    count at the end of `units[i]`: (from, to) in points, from 0 to len(units) - 1, or None
    when the window is off the chart. A unit's days run from its previous point to its own.
    """
    if not units or last_day < units[0].start or first_day > units[-1].end:
        return None
    last_day = min(last_day, units[-1].end)  # the day after 9999-12-31 does not exist

    def position(day: date) -> float:  # the first moment of `day`
        for i, unit in enumerate(units):
            if day <= unit.end:
                return i - 1 + max((day - unit.start).days, 0) / unit.days
        return len(units) - 1

    low = max(position(first_day), 0.0)
    high = min(position(last_day + timedelta(days=1)), len(units) - 1.0)
    narrowest = 0.15  # a one-day campaign on a monthly chart still shows
    if high - low < narrowest:
        middle = min(max((low + high) / 2, narrowest / 2), len(units) - 1 - narrowest / 2)
        low, high = middle - narrowest / 2, middle + narrowest / 2
    return round(low, 3), round(high, 3)


# --- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of a report: this period's value against the previous period's.

    `section` and `key` name the figure (reports.labels turns them into words);
    `subject` is the thing it is about, e.g. a channel's name.
    """

    section: str
    key: str
    value: float | None
    previous: float | None
    unit: str = ""  # "" for counts, "%" for percentages
    subject: str = ""

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class Campaign:
    brief: PromotionRequest
    lift: CampaignLift
    outcome: OutcomeLine | None = None


@dataclass(frozen=True)
class Band:
    """A campaign's window on the growth chart, with what it did to the base."""

    title: str
    first_day: date
    last_day: date
    position: tuple[float, float]  # see window_on_chart
    brief_id: int = 0
    lift: CampaignLift | None = None


@dataclass(frozen=True)
class CommunityReport:
    community: Community
    period: Period
    figures: list[Figure]
    units: list[Period]  # the chart's months (or weeks)
    members_by_unit: list[MembershipFigures]  # for each unit
    bands: list[Band]  # campaigns' publication windows on the chart
    events: list[HeldEvent]  # held in the period
    initiatives: list[InitiativeProgress]
    campaigns: list[Campaign]  # whose windows touch the period
    under_way: bool  # the period has not ended yet

    def sections(self) -> list[tuple[str, list[Figure]]]:
        """The figures grouped by section, in the report's order."""
        grouped: dict[str, list[Figure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())

    @property
    def largest_event(self) -> HeldEvent | None:
        return largest_event(self.events)

    @property
    def best_campaign(self) -> Campaign | None:
        """The campaign that did best against its target."""
        measured = [c for c in self.campaigns if c.outcome is not None and c.outcome.ratio]
        return max(measured, key=lambda c: c.outcome.ratio, default=None)


def chart_units(period: Period) -> list[Period]:
    """Weeks for a weekly report, else months: those the period covers, and at least 12."""
    return period.units("week" if period.kind == "week" else "month", at_least=12)


def community_report(
    community: Community, period: Period, now: datetime | None = None
) -> CommunityReport:
    """Every figure of the community's report for `period`, against the period before."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(period.zone)).date()
    before = period.previous()
    units = chart_units(period)
    # Only windows that have opened: a scheduled brief has published nothing yet.
    briefs = campaigns_between(
        community, min(units[0].start, before.start), min(units[-1].end, today)
    )
    campaign_briefs = [brief for brief in briefs if ran_in(brief, period)]
    on_chart = [
        (brief, position)
        for brief in briefs
        if (position := window_on_chart(units, brief.publish_from, brief.publish_until))
    ]
    # Every campaign in the period is on the chart (its units cover the period).
    moments = [lift_moments(brief, period.zone, now) for brief, _ in on_chart]
    counts, at_moments = membership_counts(
        community, [period, before, *units], [m for group in moments for m in group]
    )
    members, members_before, by_unit = counts[0], counts[1], counts[2:]
    active = active_members([period, before], [community.id]).get(community.id, [0, 0])
    events = events_held(community, before.starts_at, period.ends_at, now)
    held, held_before = in_period(events, period), in_period(events, before)
    leads, leads_before = lead_figures(community, [period, before])
    channels, channels_before = channels_growth(community, [period, before])
    lines = outcome_lines(campaign_briefs, today) if campaign_briefs else {}

    figures = _membership(members, members_before)
    figures += [
        Figure("activity", "active", active[0], active[1]),
        Figure("activity", "active_share", share(active[0], members.members_at_end),
               share(active[1], members_before.members_at_end), "%"),
    ]  # fmt: skip
    figures += _events(EventFigures.of(held), EventFigures.of(held_before))
    figures += [
        Figure("leads", "leads", leads.leads, leads_before.leads),
        Figure("leads", "outside_participants", leads.outside_participants,
               leads_before.outside_participants),
        Figure("promotions", "campaigns", len(campaign_briefs),
               sum(ran_in(brief, before) for brief in briefs)),
    ]  # fmt: skip
    figures += _channels(channels, channels_before)

    bands, lifts, cursor = [], {}, iter(at_moments)
    for (brief, position), group in zip(on_chart, moments, strict=True):
        values = [next(cursor) for _ in group]
        lift = CampaignLift(values[0], values[1], values[2] if len(values) > 2 else None)
        lifts[brief.id] = lift
        bands.append(Band(brief.title, brief.publish_from, brief.publish_until, position,
                          brief.id, lift))  # fmt: skip
    campaigns = [Campaign(b, lifts[b.id], lines.get(b.id)) for b in campaign_briefs]
    return CommunityReport(
        community=community,
        period=period,
        figures=figures,
        units=units,
        members_by_unit=by_unit,
        bands=bands,
        events=held,
        initiatives=initiative_progress(community, period),
        campaigns=campaigns,
        under_way=period.ends_at > now,
    )


def _membership(now: MembershipFigures, before: MembershipFigures) -> list[Figure]:
    return [
        Figure("membership", "members", now.members_at_end, before.members_at_end),
        Figure("membership", "joined", now.joined, before.joined),
        Figure("membership", "left", now.left, before.left),
        Figure("membership", "net", now.net, before.net),
        Figure("membership", "growth", now.growth_percent, before.growth_percent, "%"),
    ]


def _events(now: EventFigures, before: EventFigures) -> list[Figure]:
    return [
        Figure("events", "held", now.held, before.held),
        Figure("events", "registrations", now.registrations, before.registrations),
        Figure("events", "attended", now.attended, before.attended),
        Figure("events", "attendance_rate", now.attendance_rate, before.attendance_rate, "%"),
    ]


def _channels(now: list[ChannelGrowth], before: list[ChannelGrowth]) -> list[Figure]:
    earlier = {channel.url: channel for channel in before}
    figures = []
    for channel in now:
        previous = earlier.get(channel.url)
        figures += [
            Figure("channels", "channel_members", channel.at_end,
                   previous.at_end if previous else None, subject=channel.name),
            Figure("channels", "channel_growth", channel.growth_percent,
                   previous.growth_percent if previous else None, "%", subject=channel.name),
        ]  # fmt: skip
    return figures


# --- the site overview -----------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    community: Community
    members: int
    members_before: int
    joined: int
    left: int
    active: int = 0
    events: int = 0
    campaigns: int = 0

    @property
    def growth_percent(self) -> float | None:
        return percent_change(self.members_before, self.members)

    @property
    def active_share(self) -> float | None:
        return share(self.active, self.members)


def _missing_last(value):
    return value if value is not None else float("-inf")


OVERVIEW_SORTS = {
    "name": lambda row: row.community.name.lower(),
    "members": lambda row: row.members,
    "growth": lambda row: _missing_last(row.growth_percent),
    "joined": lambda row: row.joined,
    "left": lambda row: row.left,
    "active": lambda row: _missing_last(row.active_share),
    "events": lambda row: row.events,
    "campaigns": lambda row: row.campaigns,
}


def site_overview(
    period: Period, sort: str = "members", descending: bool | None = None, now=None
) -> list[OverviewRow]:
    """Every open community's figures for the period, side by side, in five queries.

    Sorted by `sort` (a key of OVERVIEW_SORTS); names A→Z and numbers largest first
    unless `descending` says otherwise.
    """
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(period.zone)).date()
    members = {
        community_id: rest
        for community_id, *rest in db.session.execute(
            select(
                Membership.community_id,
                func.count(case((_member_at(period.ends_at), 1))),
                func.count(case((_member_at(period.starts_at), 1))),
                func.count(case((_within(Membership.joined_at, period), 1))),
                func.count(case((_left_within(period), 1))),
            ).group_by(Membership.community_id)
        )
    }
    active = active_members([period])
    events = dict(
        db.session.execute(
            select(Event.community_id, func.count())
            .where(
                Event.cancelled_at.is_(None),
                Event.starts_at >= period.starts_at,
                Event.starts_at < min(period.ends_at, now),
            )
            .group_by(Event.community_id)
        ).all()
    )
    campaigns = dict(
        db.session.execute(
            select(PromotionRequest.community_id, func.count())
            .where(
                PromotionRequest.status.in_(CAMPAIGN_STATUSES),
                PromotionRequest.publish_from <= min(period.end, today),  # opened by then
                PromotionRequest.publish_until >= period.start,
            )
            .group_by(PromotionRequest.community_id)
        ).all()
    )
    communities = db.session.execute(
        select(Community).where(Community.archived_at.is_(None)).order_by(Community.name)
    ).scalars()
    rows = [
        OverviewRow(
            c,
            *members.get(c.id, (0, 0, 0, 0)),
            active=active.get(c.id, [0])[0],
            events=events.get(c.id, 0),
            campaigns=campaigns.get(c.id, 0),
        )
        for c in communities
    ]
    if sort not in OVERVIEW_SORTS:
        sort = "members"
    if descending is None:
        descending = sort != "name"
    return sorted(rows, key=OVERVIEW_SORTS[sort], reverse=descending)
