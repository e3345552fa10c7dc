"""Private calendar feed links: a signed token of the person, which they can reset."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from accounts.models import User
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
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(FeedLink).values(user_id=user.id, generation=1, reset_at=utcnow())
    # One statement, so two resets at once (a double click) both count and neither fails.
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"generation": FeedLink.generation + 1, "reset_at": statement.excluded.reset_at},
        )
    )
