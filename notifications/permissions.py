"""Who may read and open notifications, and who may receive each audience's kinds."""

from community.services import led_community_ids
from core.permissions import is_signed_in, is_smm, rule
from notifications import registry


@rule("notifications.view")
def _can_view(user, _obj) -> bool:
    """The bell, the list and the delivery settings: every signed-in person has their own."""
    return is_signed_in(user)


@rule("notifications.open")
def _can_open(user, notification) -> bool:
    """Only the recipient opens or marks a notification (others are told it isn't there)."""
    return is_signed_in(user) and notification.recipient_id == user.id


@registry.audience_rule(registry.PERSON)
def _receives_personal(user) -> bool:
    return is_signed_in(user)


@registry.audience_rule(registry.LEADERS)
def _receives_leaders(user) -> bool:
    return is_signed_in(user) and bool(led_community_ids(user))


@registry.audience_rule(registry.PROMOTIONS)
def _receives_promotions(user) -> bool:
    return is_smm(user) or _receives_leaders(user)
