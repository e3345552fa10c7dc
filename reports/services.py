"""Figures for a community over a period, each computed from the data by one query."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select

from community.models import ChannelSnapshot, Community, ExternalChannel, Membership
from community.services import member_counts
from core.extensions import db
from reports.periods import Period


def percent_change(before: float, after: float) -> float | None:
    """Growth in % from `before` to `after`; None when there was nothing to grow from."""
    return None if not before else 100.0 * (after - before) / before


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


def _member_at(moment):
    return and_(
        Membership.joined_at.is_not(None),
        Membership.joined_at < moment,
        or_(Membership.left_at.is_(None), Membership.left_at >= moment),
    )


def membership_figures(community: Community, period: Period) -> MembershipFigures:
    start, end = period.starts_at, period.ends_at
    row = db.session.execute(
        select(
            func.count(case((_member_at(start), 1))),
            func.count(case((_member_at(end), 1))),
            func.count(case((and_(Membership.joined_at >= start, Membership.joined_at < end), 1))),
            func.count(case((and_(Membership.left_at >= start, Membership.left_at < end), 1))),
        ).where(Membership.community_id == community.id)
    ).one()
    return MembershipFigures(*row)


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


def channel_growth(community: Community, period: Period) -> list[ChannelGrowth]:
    """Each external channel's member count at the start and end of the period, in one query."""
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
    channels: dict[int, dict] = {}
    for channel_id, name, url, taken_on, count in snapshots:
        channel = channels.setdefault(channel_id, {"name": name, "url": url, "start": None,
                                                   "end": None})  # fmt: skip
        if taken_on is None:
            continue
        first_ever = channel["start"] is None and taken_on <= period.end
        if taken_on <= period.start or first_ever:
            channel["start"] = count
        if taken_on <= period.end:
            channel["end"] = count
    return [ChannelGrowth(c["name"], c["url"], c["start"], c["end"]) for c in channels.values()]


def monthly_members(community: Community, months: int, until: date):
    """Members at the end of each of the last `months` months up to `until`."""
    start = until.replace(day=1)
    for _ in range(months - 1):
        start = (start.replace(day=1) - date.resolution).replace(day=1)
    return member_counts(community, start, until, "month")


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
class CommunityReport:
    community: Community
    period: Period
    figures: list[Figure]
    members_by_month: list  # GrowthPoint per month, for the chart

    def sections(self) -> list[tuple[str, list[Figure]]]:
        """The figures grouped by section, in the report's order."""
        grouped: dict[str, list[Figure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())


def community_report(community: Community, period: Period) -> CommunityReport:
    """Every figure of the community's report for `period`, against the period before."""
    now = membership_figures(community, period)
    before = membership_figures(community, period.previous())
    figures = [
        Figure("membership", "members", now.members_at_end, before.members_at_end),
        Figure("membership", "joined", now.joined, before.joined),
        Figure("membership", "left", now.left, before.left),
        Figure("membership", "net", now.net, before.net),
        Figure("membership", "growth", now.growth_percent, before.growth_percent, "%"),
    ]
    earlier = {c.url: c for c in channel_growth(community, period.previous())}
    for channel in channel_growth(community, period):
        previous = earlier.get(channel.url)
        figures += [
            Figure("channels", "channel_members", channel.at_end,
                   previous.at_end if previous else None, subject=channel.name),
            Figure("channels", "channel_growth", channel.growth_percent,
                   previous.growth_percent if previous else None, "%", subject=channel.name),
        ]  # fmt: skip
    return CommunityReport(
        community=community,
        period=period,
        figures=figures,
        members_by_month=monthly_members(community, 12, period.end),
    )


@dataclass(frozen=True)
class OverviewRow:
    community: Community
    members: int
    members_before: int
    joined: int
    left: int

    @property
    def growth_percent(self) -> float | None:
        return percent_change(self.members_before, self.members)


OVERVIEW_SORTS = {
    "name": lambda row: row.community.name.lower(),
    "members": lambda row: row.members,
    "growth": lambda row: row.growth_percent if row.growth_percent is not None else float("-inf"),
    "joined": lambda row: row.joined,
}


def site_overview(period: Period, sort: str = "members") -> list[OverviewRow]:
    """Every open community's membership figures for the period, in two queries."""
    start, end = period.starts_at, period.ends_at
    figures = {
        community_id: rest
        for community_id, *rest in db.session.execute(
            select(
                Membership.community_id,
                func.count(case((_member_at(end), 1))),
                func.count(case((_member_at(start), 1))),
                func.count(
                    case((and_(Membership.joined_at >= start, Membership.joined_at < end), 1))
                ),
                func.count(case((and_(Membership.left_at >= start, Membership.left_at < end), 1))),
            ).group_by(Membership.community_id)
        )
    }
    communities = db.session.execute(
        select(Community).where(Community.archived_at.is_(None)).order_by(Community.name)
    ).scalars()
    rows = [OverviewRow(c, *figures.get(c.id, (0, 0, 0, 0))) for c in communities]
    key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["members"])
    return sorted(rows, key=key, reverse=sort != "name")
