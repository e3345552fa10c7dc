"""The kinds of notification: one registration per kind, in the style of search/registry.py.

A kind has a name (stored on each row and on each person's choice), a label
for the settings page, the delivery a person gets until they choose one, and
who receives it (`audience`): the settings page offers a kind only to people
who can receive it. Features' kinds are registered in notifications/kinds.py,
which also listens to the signals that send them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from notifications.models import Delivery

PERSON = "person"  # the person it happened to: every signed-in person may receive it
LEADERS = "leaders"  # leaders of a community
PROMOTIONS = "promotions"  # the SMM team and leaders, who request promotion briefs


@dataclass(frozen=True)
class Kind:
    name: str  # "join_request"; at most 40 characters
    label: object  # lazy-translated, e.g. _l("Someone asks to join a community I lead")
    # Lazy-translated, with %(subject)s: what one notification says, in the reader's language.
    sentence: object
    default: Delivery
    audience: str  # PERSON, LEADERS or PROMOTIONS

    def says(self, subject: str) -> str:
        return str(self.sentence) % {"subject": subject}


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in _kinds and _kinds[kind.name] != kind:
        raise ValueError(f"notification kind {kind.name!r} is registered twice")
    if len(kind.name) > 40:
        raise ValueError(f"notification kind {kind.name!r} is longer than 40 characters")
    _kinds[kind.name] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def kind_named(name: str) -> Kind | None:
    return _kinds.get(name)


# Who may receive an audience's kinds: registered by notifications/permissions.py.
_audiences: dict[str, Callable[[object], bool]] = {}


def audience_rule(audience: str) -> Callable:
    def register_rule(predicate: Callable[[object], bool]) -> Callable[[object], bool]:
        _audiences[audience] = predicate
        return predicate

    return register_rule


def kinds_for(user) -> list[Kind]:
    """The kinds `user` can receive now, in registration order (for the settings page)."""
    answers: dict[str, bool] = {}
    chosen = []
    for kind in _kinds.values():
        if kind.audience not in answers:
            answers[kind.audience] = _audiences.get(kind.audience, lambda _user: True)(user)
        if answers[kind.audience]:
            chosen.append(kind)
    return chosen
