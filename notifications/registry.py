"""The kinds of notification: one registration per kind, in the style of search/registry.py.

A kind has a name (stored on each row and on each person's choice), a label
for the settings page, the delivery a person gets until they choose one, and
who receives it (`audience`): the settings page offers a kind only to people
who can receive it. Features' kinds are registered in notifications/kinds.py,
which also listens to the signals that send them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from core.text import one_line
from notifications.models import SUBJECT_LENGTH, Delivery

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
    # A kind of e-mail a feature sends itself (accounts.mail.register_email_kind), with no
    # notification in the app: a person chooses only "By e-mail" (EMAIL_NOW) or "Off".
    email_only: bool = False
    # Words the subject from a notification's `params` in the current language (an idea's
    # status, why a post was taken down), so each reader reads it in theirs when shown.
    subject_from: Callable[[dict], str] | None = None

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        """The ways a person may choose for this kind."""
        return (Delivery.EMAIL_NOW, Delivery.OFF) if self.email_only else tuple(Delivery)

    def says(self, subject: str) -> str:
        return str(self.sentence) % {"subject": subject}

    def subject_of(self, params: dict | None, stored: str) -> str:
        """The subject in the current language: from `params` when the kind words it,
        else as it was `stored`."""
        if params is None or self.subject_from is None:
            return stored
        try:
            return one_line(self.subject_from(params))[:SUBJECT_LENGTH]
        except (KeyError, TypeError, ValueError):
            return stored  # params from an older version: what was stored still reads


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
