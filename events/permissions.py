"""Who may see, run and register for events."""

from community.services import is_leader, is_member
from core.permissions import can, is_admin, is_signed_in, rule
from events.models import EventVisibility


def leads(user, community) -> bool:
    return is_admin(user) or (is_signed_in(user) and is_leader(user, community))


@rule("events.browse")
def _can_browse(user, _obj) -> bool:
    return is_signed_in(user)


@rule("events.view")
def _can_view(user, event) -> bool:
    # Members-only events are private to the community: others get a 404.
    if not can(user, "community.view", event.community):
        return False
    if event.visibility == EventVisibility.EMPLOYEES:
        return True
    return is_member(user, event.community) or leads(user, event.community)


@rule("events.create")
def _can_create(user, community) -> bool:
    return leads(user, community) and not community.is_archived


@rule("events.manage")
def _can_manage(user, event) -> bool:
    """Edit, cancel, see attendees, export them and mark attendance."""
    return leads(user, event.community)


@rule("events.register")
def _can_register(user, event) -> bool:
    return can(user, "events.view", event) and not event.community.is_archived
