"""Buttons higher features add to an event page's header (promotions' "New promotion
request"), registered the way community-page sections are: a feature registers a
function (event, user) -> (label, address) or None, and the page draws what they give."""

from collections.abc import Callable

from flask_login import current_user

EventAction = Callable[[object, object], tuple[str, str] | None]
_actions: list[EventAction] = []


def register_event_action(action: EventAction) -> None:
    if action not in _actions:
        _actions.append(action)


def event_actions(event) -> list[tuple[str, str]]:
    """(label, address) of each registered button the viewer gets on `event`'s page."""
    return [button for button in (action(event, current_user) for action in _actions) if button]
