"""The lists behind the community pages: the directory, a community's members, and a
person's memberships for their data download."""

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import Community, CommunityKind, Membership, MembershipRole, MembershipStatus
from core import figures
from core.extensions import db


def directory_query(kind: CommunityKind | None = None, include_archived: bool = False):
    query = select(Community).order_by(Community.name)
    if kind is not None:
        query = query.where(Community.kind == kind)
    if not include_archived:
        query = query.where(Community.archived_at.is_(None))
    return query


# A directory page counts its communities' current members from every membership
# (209,000 in the large data, most of the page's time in PostgreSQL): the counts are kept
# until any membership changes (core/figures.py).
figures.watch(Membership, "member_counts", None)


def active_member_counts(community_ids: list[int]) -> dict[int, int]:
    """Current member count per community, in one query, kept."""
    if not community_ids:
        return {}
    ids = sorted(set(community_ids))
    name = "ids:" + ",".join(str(community_id) for community_id in ids)
    return figures.kept("member_counts", 0, name, lambda: _active_member_counts(ids))


def _active_member_counts(community_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Membership.community_id, func.count())
        .where(
            Membership.community_id.in_(community_ids),
            Membership.status == MembershipStatus.ACTIVE,
        )
        .group_by(Membership.community_id)
    )
    return {community_id: count for community_id, count in rows}


def standing_in(user, community_ids: list[int]) -> dict[int, str]:
    """The person's place in each of these communities, in one query: "leader", "member"
    or "requested" (a join request waiting); communities they are not in are left out."""
    if not community_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(Membership.community_id, Membership.role, Membership.status).where(
            Membership.user_id == user.id,
            Membership.community_id.in_(community_ids),
            Membership.status != MembershipStatus.LEFT,
        )
    )
    standing = {}
    for community_id, role, status in rows:
        if status == MembershipStatus.PENDING:
            standing[community_id] = "requested"
        else:
            standing[community_id] = "leader" if role == MembershipRole.LEADER else "member"
    return standing


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


def membership_history_data(user: User) -> list[dict]:
    """Every membership period of the person, for their data download."""
    rows = db.session.execute(
        select(Membership, Community.name)
        .join(Membership.community)
        .where(Membership.user_id == user.id)
        .order_by(Membership.requested_at, Membership.id)
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
