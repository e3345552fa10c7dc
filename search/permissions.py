"""Who may search, and which audience tokens (search/registry.py) a searcher holds."""

from sqlalchemy import select

from community.history import active_leader_clause
from community.models import Membership, MembershipStatus
from core.extensions import db
from core.permissions import is_admin, is_signed_in, is_smm, rule
from search.registry import EVERYONE, SMM, leaders_of, members_of


@rule("search.use")
def _can_search(user, _obj) -> bool:
    return is_signed_in(user)


def audience_of(user) -> set[str] | None:
    """The audience tokens `user` holds; None for admins, who see everything."""
    if is_admin(user):
        return None
    tokens = {EVERYONE}
    if is_smm(user):
        tokens.add(SMM)
    memberships = db.session.execute(
        select(Membership.community_id, active_leader_clause()).where(
            Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE
        )
    )
    for community_id, leads in memberships:
        tokens.add(members_of(community_id))
        if leads:
            tokens.add(leaders_of(community_id))
    return tokens
