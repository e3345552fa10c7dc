"""Buttons higher features add to an initiative page's header for its leaders
(promotions' "New promotion request"), registered the way community-page sections are:
a feature registers a function (initiative, user) -> (label, address) or None."""

from collections.abc import Callable

from flask_login import current_user

InitiativeAction = Callable[[object, object], tuple[str, str] | None]
_actions: list[InitiativeAction] = []


def register_initiative_action(action: InitiativeAction) -> None:
    if action not in _actions:
        _actions.append(action)


def initiative_actions(initiative) -> list[tuple[str, str]]:
    """(label, address) of each registered button the viewer gets on `initiative`'s page."""
    return [
        button for button in (action(initiative, current_user) for action in _actions) if button
    ]
