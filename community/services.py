"""Community rules: creating, joining, leaving, approving, leading, and growth figures."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app, g
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import (
    ChannelSnapshot,
    Community,
    CommunityKind,
    ExternalChannel,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from core import audit, figures
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.signals import member_declined, member_joined, member_left, member_requested

INTERVALS = ("day", "week", "month")


# --- reading ---------------------------------------------------------------


def get_community_by_slug(slug: str) -> Community | None:
    return db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()


def current_membership(user, community: Community) -> Membership | None:
    """The person's pending or active membership, cached for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_current_memberships", {})
    key = (user.id, community.id)
    if key not in cache:
        cache[key] = db.session.execute(
            select(Membership).where(
                Membership.user_id == user.id,
                Membership.community_id == community.id,
                Membership.status != MembershipStatus.LEFT,
            )
        ).scalar_one_or_none()
    return cache[key]


def _forget_cached_membership(user_id: int, community_id: int) -> None:
    g.setdefault("_current_memberships", {}).pop((user_id, community_id), None)


def is_leader(user, community: Community) -> bool:
    membership = current_membership(user, community)
    return membership is not None and membership.is_leader


def led_community_ids(user) -> list[int]:
    """The ids of the communities the person leads now, in one query."""
    return list(
        db.session.execute(
            select(Membership.community_id).where(
                Membership.user_id == user.id,
                Membership.role == MembershipRole.LEADER,
                Membership.status == MembershipStatus.ACTIVE,
            )
        ).scalars()
    )


def is_member(user, community: Community) -> bool:
    membership = current_membership(user, community)
    return membership is not None and membership.is_active


def directory_query(kind: CommunityKind | None = None, include_archived: bool = False):
    query = select(Community).order_by(Community.name)
    if kind is not None:
        query = query.where(Community.kind == kind)
    if not include_archived:
        query = query.where(Community.archived_at.is_(None))
    return query


def active_member_counts(community_ids: list[int]) -> dict[int, int]:
    """Current member count per community, in one query."""
    if not community_ids:
        return {}
    rows = db.session.execute(
        select(Membership.community_id, func.count())
        .where(
            Membership.community_id.in_(community_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .group_by(Membership.community_id)
    )
    return {community_id: count for community_id, count in rows}


def members_query(community: Community):
    return (
        select(Membership)
        .join(Membership.user)
        .options(joinedload(Membership.user))
        .where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(
            case((Membership.role == MembershipRole.LEADER, 0), else_=1),
            User.display_name,
            User.id,
        )
    )


def newest_members(community: Community, limit: int = 12) -> list[Membership]:
    """The latest people to join, for the community page (served by the period index)."""
    return list(
        db.session.execute(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(
                Membership.community_id == community.id,
                Membership.status == MembershipStatus.ACTIVE,
            )
            .order_by(Membership.joined_at.desc(), Membership.id.desc())
            .limit(limit)
        ).scalars()
    )


def leaders_of(community: Community) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.status == MembershipStatus.ACTIVE,
                Membership.role == MembershipRole.LEADER,
            )
            .order_by(User.display_name)
        ).scalars()
    )


def pending_requests(community: Community) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(
                Membership.community_id == community.id,
                Membership.status == MembershipStatus.PENDING,
            )
            .order_by(Membership.requested_at)
        ).scalars()
    )


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.community)
            .options(joinedload(Membership.community))
            .where(Membership.user_id == user.id, Membership.status != MembershipStatus.LEFT)
            .order_by(Community.name)
        ).scalars()
    )


def membership_history_data(user: User) -> list[dict]:
    """Every membership period of the person, for their data download."""
    rows = db.session.execute(
        select(Membership, Community.name)
        .join(Membership.community)
        .where(Membership.user_id == user.id)
        .order_by(Membership.requested_at)
    ).all()
    return [
        {
            "community": name,
            "role": membership.role.value,
            "status": membership.status.value,
            "requested_at": membership.requested_at.isoformat(),
            "joined_at": membership.joined_at.isoformat() if membership.joined_at else None,
            "left_at": membership.left_at.isoformat() if membership.left_at else None,
        }
        for membership, name in rows
    ]


def count_leaders(community: Community) -> int:
    return db.session.execute(
        select(func.count()).where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
            Membership.role == MembershipRole.LEADER,
        )
    ).scalar_one()


# --- growth ----------------------------------------------------------------


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


def _was_member_at(moment: datetime):
    return and_(
        Membership.joined_at.is_not(None),
        Membership.joined_at <= moment,
        or_(Membership.left_at.is_(None), Membership.left_at > moment),
    )


def member_count_at(community: Community, moment: datetime) -> int:
    return db.session.execute(
        select(func.count()).where(Membership.community_id == community.id, _was_member_at(moment))
    ).scalar_one()


def growth(community: Community, days: int = 30, now: datetime | None = None) -> Growth:
    """Growth over the last `days`, from membership history, in one query."""
    now = now or utcnow()
    before = now - timedelta(days=days)
    members, members_before = db.session.execute(
        select(
            func.count(case((_was_member_at(now), 1))),
            func.count(case((_was_member_at(before), 1))),
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
    """Which period a moment falls in: -1 before edges[0], i before edges[i + 1], else
    the number of periods (also for NULL, a membership not left: both mean "still in")."""
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
        case((_was_member_at(bindparam(f"moment_{i}", type_=edge_type)), 1), else_=0)
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


# --- changing --------------------------------------------------------------


def reserved_slugs() -> set[str]:
    """Words the site's own pages take after /communities/ (e.g. `new`): a community
    with such a slug could never be opened. Read from the routes, so a new page is
    covered the day it is added."""
    words = set()
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if len(parts) > 2 and parts[1] == "communities" and parts[2] and "<" not in parts[2]:
            words.add(parts[2])
    return words


def unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name, max_length=120) or "community"
    reserved = reserved_slugs()
    slug, n = base, 2
    while True:
        query = select(Community.id).where(Community.slug == slug)
        if exclude_id is not None:
            query = query.where(Community.id != exclude_id)
        if slug not in reserved and db.session.execute(query).first() is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _check_name_free(name: str, exclude_id: int | None = None) -> None:
    query = select(Community.id).where(func.lower(Community.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Community.id != exclude_id)
    if db.session.execute(query).first() is not None:
        raise DomainError(_("A community with this name already exists."))


def create_community(
    actor: User,
    *,
    name: str,
    kind: CommunityKind,
    description: str = "",
    join_policy: JoinPolicy = JoinPolicy.OPEN,
    leader: User | None = None,
    created_at: datetime | None = None,
) -> Community:
    """A new community with its first leader (the creator unless named)."""
    _check_name_free(name)
    community = Community(
        name=name.strip(),
        slug=unique_slug(name),
        kind=kind,
        description=description,
        join_policy=join_policy,
        created_at=created_at or utcnow(),
    )
    db.session.add(community)
    leader = leader or actor
    db.session.add(
        Membership(
            user=leader,
            community=community,
            role=MembershipRole.LEADER,
            status=MembershipStatus.ACTIVE,
            requested_at=community.created_at,
            joined_at=community.created_at,
        )
    )
    flush_or_refuse(_("A community with this name already exists."))
    audit.record(actor, "community.create", community, f"leader={leader.email}")
    return community


def update_community(
    community: Community,
    *,
    name: str,
    kind: CommunityKind,
    description: str,
    join_policy: JoinPolicy,
) -> None:
    _check_name_free(name, exclude_id=community.id)
    if name.strip() != community.name or community.slug in reserved_slugs():
        community.slug = unique_slug(name, exclude_id=community.id)
    community.name = name.strip()
    community.kind = kind
    community.description = description
    community.join_policy = join_policy
    flush_or_refuse(_("A community with this name already exists."))


def archive_community(actor: User, community: Community) -> None:
    if community.is_archived:
        raise DomainError(_("This community is already archived."))
    community.archived_at = utcnow()
    audit.record(actor, "community.archive", community)


def restore_community(actor: User, community: Community) -> None:
    if not community.is_archived:
        raise DomainError(_("This community is not archived."))
    community.archived_at = None
    audit.record(actor, "community.restore", community)


def join_community(user: User, community: Community, at: datetime | None = None) -> Membership:
    """Join an open community, or ask to join an approval one."""
    if community.is_archived:
        raise DomainError(_("This community is archived and takes no new members."))
    existing = current_membership(user, community)
    if existing is not None:
        if existing.is_active:
            raise DomainError(_("You are already a member of %(name)s.", name=community.name))
        raise DomainError(_("Your request to join is waiting for a leader's approval."))
    at = at or utcnow()
    membership = Membership(user=user, community=community, requested_at=at)
    if community.join_policy == JoinPolicy.OPEN:
        membership.status, membership.joined_at = MembershipStatus.ACTIVE, at
    else:
        membership.status = MembershipStatus.PENDING
    try:
        # A double click may race us here; the unique index turns it into a message.
        with db.session.begin_nested():
            db.session.add(membership)
    except IntegrityError:
        raise DomainError(_("You are already a member of %(name)s.", name=community.name)) from None
    _forget_cached_membership(user.id, community.id)
    if membership.is_active:
        member_joined.send(community, membership=membership)
    else:
        member_requested.send(community, membership=membership)
    return membership


def leave_community(user: User, community: Community, at: datetime | None = None) -> Membership:
    """Leave, or withdraw a pending request. The last leader cannot leave."""
    membership = current_membership(user, community)
    if membership is None:
        raise DomainError(_("You are not a member of %(name)s.", name=community.name))
    if membership.is_leader and count_leaders(community) <= 1:
        raise DomainError(
            _("You are the only leader. Make another member a leader before you leave.")
        )
    was_active = membership.is_active
    membership.status, membership.left_at = MembershipStatus.LEFT, at or utcnow()
    db.session.flush()
    _forget_cached_membership(user.id, community.id)
    if was_active:
        member_left.send(community, membership=membership)
    return membership


def _pending(membership: Membership) -> Membership:
    if membership.status != MembershipStatus.PENDING:
        raise DomainError(_("This request was already handled."))
    return membership


def approve_request(actor: User, membership: Membership, at: datetime | None = None) -> None:
    _pending(membership)
    membership.status, membership.joined_at = MembershipStatus.ACTIVE, at or utcnow()
    audit.record(actor, "membership.approve", membership)
    db.session.flush()
    _forget_cached_membership(membership.user_id, membership.community_id)
    member_joined.send(membership.community, membership=membership)


def reject_request(actor: User, membership: Membership) -> None:
    _pending(membership)
    membership.status, membership.left_at = MembershipStatus.LEFT, utcnow()
    audit.record(actor, "membership.reject", membership)
    _forget_cached_membership(membership.user_id, membership.community_id)
    member_declined.send(membership.community, membership=membership)


def set_member_role(actor: User, membership: Membership, role: MembershipRole) -> None:
    """Make a member a leader or back; a community always keeps one leader."""
    role = MembershipRole(role)
    if not membership.is_active:
        raise DomainError(_("Only current members can be made leaders."))
    if membership.role == role:
        return
    if role == MembershipRole.MEMBER and count_leaders(membership.community) <= 1:
        raise DomainError(_("A community needs at least one leader."))
    membership.role = role
    audit.record(actor, f"membership.role.{role.value}", membership, membership.user.email)
    _forget_cached_membership(membership.user_id, membership.community_id)


def add_channel(community: Community, name: str, url: str) -> ExternalChannel:
    if any(channel.url == url for channel in community.channels):
        raise DomainError(_("This channel is already listed."))
    channel = ExternalChannel(community=community, name=name.strip(), url=url.strip())
    db.session.add(channel)
    return channel


def record_snapshot(channel: ExternalChannel, taken_on: date, member_count: int) -> ChannelSnapshot:
    """The channel's member count on a day; a second figure for the day replaces the first."""
    if member_count < 0:
        raise DomainError(_("A member count cannot be negative."))
    if taken_on > utcnow().date():
        raise DomainError(_("A snapshot cannot be dated in the future."))
    snapshot = next((s for s in channel.snapshots if s.taken_on == taken_on), None)
    if snapshot is None:
        snapshot = ChannelSnapshot(channel=channel, taken_on=taken_on, member_count=member_count)
        db.session.add(snapshot)
    else:
        snapshot.member_count = member_count
    return snapshot


def remove_channel(channel: ExternalChannel) -> None:
    db.session.delete(channel)
