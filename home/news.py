"""Home's "New in my communities" (events, initiatives and conversations' posts, newest
first, paged) and "You might join" (communities of the kinds the person is in, the
liveliest first)."""

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, false, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from community.models import Community, Membership, MembershipStatus
from conversations.models import ContentState, Post
from core import figures
from core.bounds import page_number
from core.extensions import db
from core.models import utcnow
from core.paging import load_in_order, window, windowed
from events.models import Event
from initiatives.models import Initiative, InitiativeStatus

PER_PAGE = 10
SUGGESTED = 5
ACTIVITY_DAYS = 90


def _my_community_ids(user):
    return select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )


def news_page(user):
    """A page of (kind, thing) newest first: "event", "initiative" or "post" in the person's
    communities (drafts, cancelled events and posts readers cannot see left out). Five
    small queries a page: the communities, the keys (with one more, to know whether an
    older page follows), then each kind's rows."""
    live = list(
        db.session.execute(
            select(Community.id).where(
                Community.archived_at.is_(None), Community.id.in_(_my_community_ids(user))
            )
        ).scalars()
    )
    if not live:
        return window(select(Event.id).where(false()), PER_PAGE)
    each = len(live) if len(live) <= ONE_READ_EACH_UP_TO else 0
    params = {"live": live, "enough": (page_number() + 1) * PER_PAGE + 1}
    params |= {f"community_{i}": community_id for i, community_id in enumerate(live[:each])}
    page = window(_news_keys(each), PER_PAGE, params)
    rows = [(KINDS[key % 3], key // 3) for key in page.items]
    wanted = {kind: [i for k, i in rows if k == kind] for kind in KINDS}
    loaded = {
        "event": _by_id(Event, wanted["event"], joinedload(Event.community)),
        "initiative": _by_id(Initiative, wanted["initiative"], joinedload(Initiative.community)),
        "post": _by_id(Post, wanted["post"], joinedload(Post.community), joinedload(Post.author)),
    }
    page.items = [(kind, loaded[kind][i]) for kind, i in rows if i in loaded[kind]]
    return page


KINDS = ("event", "initiative", "post")
# Beyond this many communities, their posts are found by one walk down the newest posts
# of all, instead of one short index read each.
ONE_READ_EACH_UP_TO = 30


@lru_cache(maxsize=ONE_READ_EACH_UP_TO + 1)
def _news_keys(each: int):
    """The news' keys, newest first, `windowed`, for the communities in the parameter
    `live`: their posts read one community at a time from `community_0` to
    `community_<each - 1>`, or with `each` 0 in one walk down the newest posts of all.

    Built once for each number of communities: putting together a union of up to 30
    selects, with its cache key, cost about 3 ms of Python a view, more than running it.
    """
    live = bindparam("live", expanding=True)
    # One column to page over: an event's id times three, an initiative's plus one, a
    # post's plus two.
    events = select((Event.id * 3).label("key"), Event.created_at.label("at")).where(
        Event.community_id.in_(live), Event.cancelled_at.is_(None)
    )
    initiatives = select(
        (Initiative.id * 3 + 1).label("key"), Initiative.created_at.label("at")
    ).where(Initiative.community_id.in_(live), Initiative.status != InitiativeStatus.DRAFT)
    if each:
        posts = [
            _newest_posts(Post.community_id == bindparam(f"community_{i}")) for i in range(each)
        ]
    else:
        posts = [_newest_posts(Post.community_id.in_(live))]
    news = union_all(events, initiatives, *posts).subquery()
    return windowed(select(news.c.key).order_by(news.c.at.desc(), news.c.key.desc()))


def _newest_posts(where):
    """The visible posts matching `where` that this page or the next can show (the
    parameter `enough`): a community's conversation may hold 100,000 posts, and sorting
    them all for one page would cost what the page is worth (ids grow with time, so
    ix_posts_community_newest finds each community's newest)."""
    # The ids first, from the index alone, then their rows: asked for created_at in the
    # same step, PostgreSQL may walk the primary key through every community's posts.
    ids = (
        select(Post.id)
        .where(Post.state == ContentState.VISIBLE, where)
        .order_by(Post.id.desc())
        .limit(bindparam("enough"))
    )
    return select((Post.id * 3 + 2).label("key"), Post.created_at.label("at")).where(
        Post.id.in_(ids.scalar_subquery())
    )


def _by_id(model, ids: list[int], *options) -> dict:
    return {row.id: row for row in load_in_order(model, ids, *options)}


def communities_to_join(user, now: datetime | None = None) -> list[tuple[Community, int]]:
    """(community, people who joined lately + events lately) for live communities of the
    kinds the person is in (any kind when they are in none) that they are not in, nor
    asked to join; the liveliest first. Two small queries: every community's liveliness
    is the same for everyone, so it is counted once and kept (`liveliness`)."""
    taken = select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status != MembershipStatus.LEFT
    )
    my_kinds = select(Community.kind).where(Community.id.in_(_my_community_ids(user)))
    candidates = db.session.execute(
        select(Community.id)
        .where(
            Community.archived_at.is_(None),
            Community.id.not_in(taken),
            or_(Community.kind.in_(my_kinds), ~my_kinds.exists()),
        )
        .order_by(Community.name, Community.id)  # ties: by name, in the database's collation
    ).scalars()
    activity = liveliness(now)
    chosen = sorted(candidates, key=lambda i: -activity.get(i, 0))[:SUGGESTED]  # stable
    loaded = _by_id(Community, chosen)
    return [(loaded[i], activity.get(i, 0)) for i in chosen if i in loaded]


# Liveliness counts every membership and event of the last months: kept until one of them
# changes (any community's: the figure covers them all), and for a minute at most.
figures.watch(Membership, "liveliness", None)
figures.watch(Event, "liveliness", None)
LIVELINESS_KEPT_SECONDS = 120


def liveliness(now: datetime | None = None) -> dict[int, int]:
    """{community id: people who joined + events held or planned since ACTIVITY_DAYS ago},
    for the communities with any; without `now`, as of this minute and kept."""
    if now is not None:
        return _liveliness(now)
    minute = utcnow().replace(second=0, microsecond=0)
    return figures.kept("liveliness", 0, f"{ACTIVITY_DAYS}:{minute:%Y%m%d%H%M}",
                        lambda: _liveliness(utcnow()), timeout=LIVELINESS_KEPT_SECONDS)  # fmt: skip


def _liveliness(now: datetime) -> dict[int, int]:
    since = now - timedelta(days=ACTIVITY_DAYS)
    joined = select(Membership.community_id.label("community_id")).where(
        Membership.joined_at >= since
    )
    held = select(Event.community_id.label("community_id")).where(Event.starts_at >= since)
    both = union_all(joined, held).subquery()
    rows = db.session.execute(
        select(both.c.community_id, func.count()).group_by(both.c.community_id)
    )
    return {community_id: count for community_id, count in rows}
