"""The one policy: every permission check in the site goes through `can()`.

Each feature declares its rules with `@rule("action")` in its own
`permissions.py`; the registry here is the single place they live at run
time, and tests/test_permission_matrix.py proves every route against it.
`can()` is the predicate (no side effects); `require()` is the enforcer.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user
from werkzeug.local import LocalProxy

from core.extensions import login_manager

Predicate = Callable[[Any, Any], bool]
_rules: dict[str, Predicate] = {}


def rule(action: str) -> Callable[[Predicate], Predicate]:
    """Register the predicate that decides `action`."""

    def register(predicate: Predicate) -> Predicate:
        if action in _rules and _rules[action] is not predicate:
            raise ValueError(f"permission rule {action!r} is declared twice")
        _rules[action] = predicate
        return predicate

    return register


def registered_actions() -> list[str]:
    return sorted(_rules)


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return is_signed_in(user) and user.is_admin


def is_smm(user) -> bool:
    return is_signed_in(user) and (user.is_smm or user.is_admin)


def can(user, action: str, obj: Any = None) -> bool:
    """May `user` do `action` (on `obj`)? Unknown actions are a programming error."""
    try:
        predicate = _rules[action]
    except KeyError:
        raise KeyError(f"no permission rule for {action!r}") from None
    if isinstance(user, LocalProxy):  # the rules read the person often: once through the proxy
        user = user._get_current_object()
    return bool(predicate(user, obj))


def require(action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may do `action`.

    Signed-out people are sent to sign in; signed-in people get 403, or 404
    with `hide=True` where even the object's existence is private.
    """
    if can(current_user, action, obj):
        return
    if not is_signed_in(current_user):
        abort(login_manager.unauthorized())
    abort(404 if hide else 403)


def requires(action: str) -> Callable:
    """View decorator for actions that need no object (e.g. "community.create")."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return checked

    return decorate


@rule("site.browse")
def _can_browse(user, _obj) -> bool:
    return is_signed_in(user)


@rule("site.manage_users")
def _can_manage_users(user, _obj) -> bool:
    return is_admin(user)
