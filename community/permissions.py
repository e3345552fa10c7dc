"""Who may do what with communities."""

from community.services import is_leader
from core.permissions import is_admin, is_signed_in, rule


def _leads(user, community) -> bool:
    return is_admin(user) or (is_signed_in(user) and is_leader(user, community))


@rule("community.view")
def _can_view(user, community) -> bool:
    # Archived communities stay visible to their leaders and admins only.
    return is_signed_in(user) and (not community.is_archived or _leads(user, community))


@rule("community.create")
def _can_create(user, _obj) -> bool:
    return is_admin(user)


@rule("community.archive")
def _can_archive(user, _community) -> bool:
    return is_admin(user)


@rule("community.edit")
def _can_edit(user, community) -> bool:
    return _leads(user, community)


@rule("community.manage_members")
def _can_manage_members(user, community) -> bool:
    return _leads(user, community)


@rule("community.join")
def _can_join(user, community) -> bool:
    return is_signed_in(user) and not community.is_archived


@rule("community.leave")
def _can_leave(user, _community) -> bool:
    return is_signed_in(user)


@rule("community.view_public")
def _can_view_public(user, community) -> bool:
    # Anyone, signed in or not, once its leaders turned the public page on; leaders and
    # admins may preview it while it is off. An archived community has none.
    if community.is_archived:
        return False
    return community.public_page or _leads(user, community)
