"""Who may do what with initiatives and their catalogs."""

from community.services import is_leader
from core.permissions import can, is_admin, is_signed_in, rule


def can_lead(user, initiative) -> bool:
    """Admins, and the leaders of the initiative's community, run its initiatives: only
    while they are signed in and active."""
    return is_admin(user) or (is_signed_in(user) and is_leader(user, initiative.community))


@rule("initiative.create")
def _can_create(user, community) -> bool:
    return can(user, "community.edit", community) and not community.is_archived


@rule("initiative.view")
def _can_view(user, initiative) -> bool:
    # Drafts are the leaders' own until they are published.
    if not can(user, "community.view", initiative.community):
        return False
    return not initiative.is_draft or can_lead(user, initiative)


@rule("initiative.manage")
def _can_manage(user, initiative) -> bool:
    return can_lead(user, initiative)


@rule("initiative.take_part")
def _can_take_part(user, initiative) -> bool:
    # An archived community's initiatives close with it.
    return (
        is_signed_in(user)
        and initiative.is_catalog
        and initiative.is_active
        and not initiative.community.is_archived
    )


@rule("initiative.show_interest")
def _can_show_interest(user, initiative) -> bool:
    # "I'm in" / "I'm out" on a general initiative: every signed-in person who may see it
    # (load_initiative checks that). A closed or archived one refuses with a message
    # (leads.join_interest), so the buttons show only while it is open.
    return is_signed_in(user) and not initiative.is_catalog


@rule("initiative.view_public")
def _can_view_public(user, initiative) -> bool:
    # Anyone, signed in or not; leaders may preview the public page of a draft. An
    # archived community's initiatives close with it, for everyone.
    if initiative.community.is_archived:
        return False
    return (initiative.is_public and not initiative.is_draft) or can_lead(user, initiative)


@rule("initiative.forget_participants")
def _can_forget_participants(user, _obj) -> bool:
    return is_admin(user)
