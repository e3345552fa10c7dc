"""Who may read a community's conversations, as SQL over people: the rule
`conversations.read` (conversations/permissions.py) for many people in one query
(mentions, replies' and ideas' notifications). tests/test_conversations_notify_readers.py
holds the two in step."""

from sqlalchemy import or_, select

from accounts.models import User
from community.history import active_leader_clause
from community.models import Community, JoinPolicy, Membership, MembershipStatus


def readers_clause(community: Community):
    """SQL over `User`: active people who may read `community`'s conversations."""
    if community.is_archived:  # its leaders (and admins) only
        people = select(Membership.user_id).where(
            Membership.community_id == community.id, active_leader_clause()
        )
    elif community.join_policy == JoinPolicy.OPEN:
        return User.active.is_(True)
    else:  # an approval community: its members (leaders are members too)
        people = select(Membership.user_id).where(
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    return User.active.is_(True) & or_(User.is_admin.is_(True), User.id.in_(people))


def members_clause(community: Community):
    """SQL over `User`: the community's active members with active accounts."""
    members = select(Membership.user_id).where(
        Membership.community_id == community.id, Membership.status == MembershipStatus.ACTIVE
    )
    return User.active.is_(True) & User.id.in_(members)


def readable_communities(user):
    """SELECT of the ids of the communities whose conversations `user` may read (the same
    rule, for one person and many communities)."""
    if getattr(user, "is_admin", False):
        return select(Community.id)
    mine = select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
    )
    led = select(Membership.community_id).where(
        Membership.user_id == user.id, active_leader_clause()
    )
    return select(Community.id).where(
        or_(
            Community.id.in_(led),
            Community.archived_at.is_(None)
            & or_(Community.join_policy == JoinPolicy.OPEN, Community.id.in_(mine)),
        )
    )
