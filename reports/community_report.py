"""A community's report for a period: every figure against the period before, the growth
chart's units with the campaigns on it, and what was held and achieved."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from community.models import Community
from core.models import utcnow
from promotions.models import PromotionRequest
from promotions.outcomes import OutcomeLine, outcome_lines
from reports.activity import (
    EventFigures,
    HeldEvent,
    InitiativeProgress,
    events_held,
    in_period,
    initiative_progress,
    largest_event,
    lead_figures,
)
from reports.campaigns import (
    CampaignLift,
    campaigns_between,
    lift_moments,
    ran_in,
    window_on_chart,
)
from reports.channels import ChannelGrowth, channels_growth
from reports.members import MembershipFigures, active_members, membership_counts
from reports.percent import share
from reports.periods import Period

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
