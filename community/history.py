"""Membership history: who was a member when, counts over periods, and the active leaders.

The one rule. A membership period is the half-open interval [joined_at, left_at): a
person is a member at the instant m when joined_at is set, joined_at <= m and (left_at
is NULL or m < left_at). Joining at m makes a member at m; leaving at m means not a
member at m. A request never approved has no joined_at (a withdrawn or turned-down one
gets a left_at too): that person was never a member.

Periods. A period runs from its first moment `start` up to, not including, `end`, like
every "in the period" figure. A join or leave exactly at `start` is the period's; one
exactly at `end` is the next period's. A period starts with the members just before
`start` (members at every moment a little before it: joined_at < start <= left_at) and
ends with those just before `end`, so for every period

    members_before(end) - members_before(start) = joined(start, end) - left(start, end)

and each period ends with the members the next one starts with. A person who joins at
`start` is among the period's joins, not among the members it started with; one who
leaves at `start` is among its leaves and among the members it started with.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, func, literal_column, or_, select

from accounts.models import User
from community.models import Community, Membership, MembershipRole, MembershipStatus
from core import figures
from core.extensions import db
from core.models import utcnow

INTERVALS = ("day", "week", "month")


# --- the rule ----------------------------------------------------------------------------


def member_at(moment, user_column=None, community_column=None):
    """SQL: the membership makes a member at `moment` (a value or a column); with
    `user_column`/`community_column`, only the membership of that person in that community
    (for joining Membership onto rows that name them)."""
    clause = and_(
        Membership.joined_at.is_not(None),
        Membership.joined_at <= moment,
        or_(Membership.left_at.is_(None), Membership.left_at > moment),
    )
    if user_column is not None:
        clause = and_(Membership.user_id == user_column, clause)
    if community_column is not None:
        clause = and_(Membership.community_id == community_column, clause)
    return clause


def member_just_before(moment):
    """SQL: a member at every moment a little before `moment` (the members a period
    starting at `moment` starts with): joined before it, and had not left before it."""
    return and_(
        Membership.joined_at.is_not(None),
        Membership.joined_at < moment,
        or_(Membership.left_at.is_(None), Membership.left_at >= moment),
    )


def joined_before(moment):
    """SQL: the membership period began before `moment` (never, for a request)."""
    return Membership.joined_at < moment


def left_before(moment):
    """SQL: the membership period ended before `moment` (a withdrawn request never began)."""
    return and_(Membership.joined_at.is_not(None), Membership.left_at < moment)


def joined_within(start, end):
    """SQL: the membership period began in the period [start, end)."""
    return and_(Membership.joined_at >= start, Membership.joined_at < end)


def left_within(start, end):
    """SQL: the membership period ended in the period [start, end)."""
    return and_(
        Membership.joined_at.is_not(None), Membership.left_at >= start, Membership.left_at < end
    )


def member_count_at(community: Community, moment: datetime) -> int:
    return db.session.execute(
        select(func.count()).where(Membership.community_id == community.id, member_at(moment))
    ).scalar_one()


# --- leaders -----------------------------------------------------------------------------


def active_leader_clause():
    """SQL: the membership is an active one with the leader's role (a leader now)."""
    return and_(
        Membership.status == MembershipStatus.ACTIVE, Membership.role == MembershipRole.LEADER
    )


def active_leaders(community_ids, only_active_accounts: bool = False) -> dict[int, list[User]]:
    """The leaders of each community now, by name, in one query; with
    `only_active_accounts`, leaving out people whose account is switched off."""
    leaders: dict[int, list[User]] = defaultdict(list)
    if not community_ids:
        return leaders
    query = (
        select(Membership.community_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id.in_(set(community_ids)), active_leader_clause())
        .order_by(User.display_name, User.id)
    )
    if only_active_accounts:
        query = query.where(User.active)
    for community_id, user in db.session.execute(query):
        leaders[community_id].append(user)
    return leaders


# --- growth ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """Members now against members `days` ago."""

    members: int
    members_before: int
    days: int

    @property
    def delta(self) -> int:
        return self.members - self.members_before

    @property
    def percent(self) -> float | None:
        if self.members_before == 0:
            return None
        return 100.0 * self.delta / self.members_before


@dataclass(frozen=True)
class GrowthPoint:
    """Members at the end of a period, and the joins and leaves within it."""

    period_start: date
    members: int
    joined: int
    left: int


def growth(community: Community, days: int = 30, now: datetime | None = None) -> Growth:
    """Growth over the last `days`, from membership history, in one query."""
    now = now or utcnow()
    before = now - timedelta(days=days)
    members, members_before = db.session.execute(
        select(
            func.count(case((member_at(now), 1))),
            func.count(case((member_at(before), 1))),
        ).where(Membership.community_id == community.id)
    ).one()
    return Growth(members=members, members_before=members_before, days=days)


def _period_starts(start: date, end: date, interval: str) -> list[date]:
    if interval == "day":
        first, step = start, lambda d: d + timedelta(days=1)
    elif interval == "week":
        first, step = start - timedelta(days=start.weekday()), lambda d: d + timedelta(days=7)
    elif interval == "month":
        first = start.replace(day=1)

        def step(d: date) -> date:
            return date(d.year + d.month // 12, d.month % 12 + 1, 1)
    else:
        raise ValueError(f"interval must be one of {INTERVALS}")
    starts = []
    while first <= end:
        starts.append(first)
        first = step(first)
    return starts


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _membership_periods(community: Community, before: datetime) -> list[tuple]:
    """(joined_at, left_at) of every membership period that began before `before`."""
    return db.session.execute(
        select(Membership.joined_at, Membership.left_at).where(
            Membership.community_id == community.id,
            Membership.joined_at.is_not(None),
            Membership.joined_at < before,
        )
    ).all()


def _count_points(periods, starts: list[date], end: date) -> list[GrowthPoint]:
    """The series counted here, by the rule above: the members just before each period's
    end (`member_just_before`), and the joins and leaves in [start, end)."""
    bounds = [_start_of_day(s) for s in starts[1:]] + [_start_of_day(end + timedelta(days=1))]
    points = []
    previous_bound = _start_of_day(starts[0])
    for period_start, bound in zip(starts, bounds, strict=True):
        members = joined = left = 0
        for joined_at, left_at in periods:
            if joined_at < bound and (left_at is None or left_at >= bound):
                members += 1
            if previous_bound <= joined_at < bound:
                joined += 1
            if left_at is not None and previous_bound <= left_at < bound:
                left += 1
        points.append(GrowthPoint(period_start, members, joined, left))
        previous_bound = bound
    return points


# Up to this many periods are counted by the database in one SELECT; longer series
# (days over years) are counted here from the membership periods.
MAX_PERIODS_IN_SQL = 100


def _period_index(column, edges: list):
    """Which period a moment falls in: -1 before edges[0], i in [edges[i], edges[i + 1]),
    else the number of periods (also for NULL, a membership not left: both mean "still
    in"). A membership is then among the members a period ends with when it joined in
    that period or an earlier one and left in a later one, as the rule above says."""
    # The indexes are written into the SQL, not bound: with fewer than 50 parameters
    # psycopg keeps the parsed statement instead of parsing 3 kB of SQL every time.
    still_in = literal_column(str(len(edges) - 1))
    whens = [(column < edge, literal_column(str(i - 1))) for i, edge in enumerate(edges)]
    # NULL first: a NULL compared with every edge is most of the database's work.
    return case((column.is_(None), still_in), *whens, else_=still_in)


@lru_cache(maxsize=32)
def _periods_statement(periods: int, moments: int):
    """Memberships grouped by the periods they began and ended in, with how many were
    members at each moment; the statement is built once for each shape."""
    edge_type = Membership.joined_at.type
    edges = [bindparam(f"edge_{i}", type_=edge_type) for i in range(periods + 1)]
    at_moments = [
        case((member_at(bindparam(f"moment_{i}", type_=edge_type)), 1), else_=0)
        for i in range(moments)
    ]
    by_period = (
        select(
            _period_index(Membership.joined_at, edges).label("joined"),
            _period_index(Membership.left_at, edges).label("left"),
            *(member.label(f"at_{i}") for i, member in enumerate(at_moments)),
        )
        .where(
            Membership.community_id == bindparam("community_id"),
            Membership.joined_at.is_not(None),
        )
        .subquery()
    )
    return select(
        by_period.c.joined,
        by_period.c.left,
        func.count(),
        *(func.sum(by_period.c[f"at_{i}"]) for i in range(moments)),
    ).group_by(by_period.c.joined, by_period.c.left)


def _counts_in_sql(community: Community, starts: list[date], end: date, moments=()):
    """Members at the end of each period, joins and leaves within it, and members at each
    of `moments`. The database sorts the community's memberships into the periods they
    joined and left in, in one pass, and the series is summed here from the hundred-odd
    groups: a conditional count per period and figure (38 on the community page) cost
    the database three times as much."""
    edges = [_start_of_day(s) for s in starts] + [_start_of_day(end + timedelta(days=1))]
    values = {f"edge_{i}": edge for i, edge in enumerate(edges)}
    values |= {f"moment_{i}": moment for i, moment in enumerate(moments)}
    groups = db.session.execute(
        _periods_statement(len(starts), len(moments)), {"community_id": community.id, **values}
    ).all()
    periods = len(starts)
    joined, left, change = [0] * periods, [0] * periods, [0] * (periods + 1)
    for group in groups:
        first, last, count = group[0], group[1], group[2]
        if 0 <= first < periods:
            joined[first] += count
        if 0 <= last < periods:
            left[last] += count
        # A member at the end of each period from the one joined in to the one before leaving.
        first = max(first, 0)
        if first < last:
            change[first] += count
            change[last] -= count
    points, members = [], 0
    for i, start in enumerate(starts):
        members += change[i]
        points.append(GrowthPoint(start, members, joined[i], left[i]))
    at_moments = [sum(int(group[3 + m] or 0) for group in groups) for m in range(len(moments))]
    return points, at_moments


def member_counts(
    community: Community, start: date, end: date, interval: str = "month"
) -> list[GrowthPoint]:
    """Members at the end of each day/week/month from `start` to `end` (UTC days).

    The last period is cut at the end of `end`. Computed from the membership
    periods in one query, so joins, leaves and re-joins all count.
    """
    if end < start:
        raise ValueError("end must not be before start")
    starts = _period_starts(start, end, interval)
    if len(starts) <= MAX_PERIODS_IN_SQL:
        return _counts_in_sql(community, starts, end)[0]
    periods = _membership_periods(community, _start_of_day(end + timedelta(days=1)))
    return _count_points(periods, starts, end)


# The community page's growth is counted from every membership period the community
# ever had (18,671 for the biggest of the large data: two thirds of its page's time in
# PostgreSQL), so it is kept until one of them changes (core/figures.py).
figures.watch(Membership, "community", "community_id")
GROWTH_KEPT_SECONDS = 120


def growth_overview(
    community: Community, months: int = 12, days: int = 30, now: datetime | None = None
) -> tuple[Growth, list[GrowthPoint]]:
    """The community page's figures: growth over `days` and members per month, in one query.

    Without `now`, as of this minute: kept for the minute unless a membership of the
    community changes (a member `days` ago is the only figure that moves by itself).
    """
    if now is None:
        minute = utcnow().replace(second=0, microsecond=0)
        name = f"growth:{months}:{days}:{minute:%Y%m%d%H%M}"
        return figures.kept("community", community.id, name,
                            lambda: _growth_overview(community, months, days, utcnow()),
                            timeout=GROWTH_KEPT_SECONDS)  # fmt: skip
    return _growth_overview(community, months, days, now)


def _growth_overview(community: Community, months: int, days: int, now: datetime):
    first_month = now.date().replace(day=1)
    for _month in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    starts = _period_starts(first_month, now.date(), "month")
    points, (members, members_before) = _counts_in_sql(
        community, starts, now.date(), moments=(now, now - timedelta(days=days))
    )
    return Growth(members, members_before, days), points
