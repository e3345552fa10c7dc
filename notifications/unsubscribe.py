"""One-click unsubscribe (RFC 8058): a signed link per person and kind of e-mail, which a
mail client POSTs to turn that kind off. The link is the only authority, so its route takes
no CSRF token (it is the one route that doesn't) and no session; a GET only asks."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from core.bounds import MAX_INT
from core.site import external_url
from notifications import registry

SALT = "notifications.one-click-unsubscribe"
MAX_TOKEN = 200  # the route matches no longer token (a user id and a kind, signed)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def one_click_url(user_id: int, kind: str) -> str:
    """The https address (from SITE_URL) that turns `kind` off for the person."""
    return external_url(
        "notifications.unsubscribe_link", token=_serializer().dumps([user_id, kind])
    )


def read_token(token: str) -> tuple[int, registry.Kind] | None:
    """(user id, kind) of a link this site signed for a kind that can be turned off."""
    try:
        user_id, name = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    kind = registry.kind_named(name) if isinstance(name, str) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or kind is None:
        return None
    if not 1 <= user_id <= MAX_INT:  # an id no row can have (signed with the key, still)
        return None
    return user_id, kind
