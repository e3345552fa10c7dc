"""Home's "New in my communities" (events and initiatives, newest first, paged) and "You
might join" (communities of the kinds the person is in, the liveliest first)."""

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, union_all
from sqlalchemy.orm import joinedload

from community.models import Community, Membership, MembershipStatus
from core.extensions import db
from core.models import utcnow
from core.paging import load_in_order, paginate
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
    """A page of (kind, thing) newest first: "event" or "initiative" in the person's
    communities (drafts and cancelled events left out). Four queries a page."""
    mine = _my_community_ids(user)
    live = select(Community.id).where(Community.archived_at.is_(None), Community.id.in_(mine))
    # One column to page over (Flask-SQLAlchemy pages scalars): an event's id doubled, an
    # initiative's doubled plus one.
    events = select((Event.id * 2).label("key"), Event.created_at.label("at")).where(
        Event.community_id.in_(live), Event.cancelled_at.is_(None)
    )
    initiatives = select(
        (Initiative.id * 2 + 1).label("key"), Initiative.created_at.label("at")
    ).where(Initiative.community_id.in_(live), Initiative.status != InitiativeStatus.DRAFT)
    news = union_all(events, initiatives).subquery()
    page = paginate(select(news.c.key).order_by(news.c.at.desc(), news.c.key.desc()), PER_PAGE)
    rows = [("initiative" if key % 2 else "event", key // 2) for key in page.items]
    loaded = {
        "event": _by_id(Event, [i for kind, i in rows if kind == "event"], Event.community),
        "initiative": _by_id(
            Initiative, [i for kind, i in rows if kind == "initiative"], Initiative.community
        ),
    }
    page.items = [(kind, loaded[kind][i]) for kind, i in rows if i in loaded[kind]]
    return page


def _by_id(model, ids: list[int], community) -> dict:
    return {row.id: row for row in load_in_order(model, ids, joinedload(community))}


def communities_to_join(user, now: datetime | None = None) -> list[tuple[Community, int]]:
    """(community, people who joined lately + events lately) for live communities of the
    kinds the person is in (any kind when they are in none) that they are not in, nor
    asked to join; the liveliest first. One query."""
    since = (now or utcnow()) - timedelta(days=ACTIVITY_DAYS)
    taken = select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status != MembershipStatus.LEFT
    )
    my_kinds = select(Community.kind).where(Community.id.in_(_my_community_ids(user)))
    joined = (
        select(func.count())
        .where(Membership.community_id == Community.id, Membership.joined_at >= since)
        .correlate(Community)
        .scalar_subquery()
    )
    held = (
        select(func.count())
        .where(Event.community_id == Community.id, Event.starts_at >= since)
        .correlate(Community)
        .scalar_subquery()
    )
    activity = (joined + held).label("activity")
    rows = db.session.execute(
        select(Community, activity)
        .where(
            Community.archived_at.is_(None),
            Community.id.not_in(taken),
            or_(Community.kind.in_(my_kinds), ~my_kinds.exists()),
        )
        .order_by(activity.desc(), Community.name)
        .limit(SUGGESTED)
    ).all()
    return [(community, count) for community, count in rows]
