"""Private calendar feed links: a signed token of the person, which they can reset."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from accounts.models import User
from core.commands import lock_row
from core.extensions import db
from core.models import utcnow
from events.models import FeedLink

FEED_SALT = "events-calendar-feed"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def _generation(user_id: int) -> int:
    found = db.session.execute(select(FeedLink.generation).where(FeedLink.user_id == user_id))
    return found.scalar_one_or_none() or 0


def feed_token(user: User) -> str:
    """A private token that lets a calendar app fetch feeds as this person."""
    generation = _generation(user.id)
    # A link never reset signs the id alone, as links did before resets existed,
    # so subscriptions made then keep working until their owner resets.
    return _serializer().dumps(user.id if generation == 0 else [user.id, generation])


def user_for_feed_token(token: str) -> User | None:
    """The active person whose current feed token this is; None for any other token."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    match payload:
        case int(user_id):
            generation = 0
        case [int(user_id), int(generation)]:
            pass
        case _:
            return None
    if generation != _generation(user_id):
        return None  # a link from before the person's last reset
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def reset_feed_link(user: User) -> None:
    """Give the person a new feed token; every link handed out before stops working."""
    lock_row(User, user.id)  # resets at once (a double click) queue, and each one counts
    link = db.session.get(FeedLink, user.id, populate_existing=True)
    if link is None:
        db.session.add(FeedLink(user_id=user.id, generation=1))
    else:
        link.generation += 1
        link.reset_at = utcnow()
    db.session.flush()
