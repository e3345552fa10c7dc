"""What each person has read: one PostRead row per person and post they opened.

A post is "New" to a person until they have a row for it; its "N new replies" are the
visible replies it has now beyond the number they had seen. Pages only read these rows:
the post page records its read mark with a small POST (static/js/read-mark.js, or the
"Mark as read" button without JavaScript), replying and posting record it too, since a
GET never writes (docs/architecture.md).
"""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from conversations.models import Post, PostRead
from core.extensions import db
from core.models import utcnow


def _upsert(user_id: int, post_id: int, values: dict, on_conflict: dict) -> None:
    """Insert the person's row for the post, or change it: one statement, and two tabs
    marking at once cannot both insert."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PostRead).values(user_id=user_id, post_id=post_id, **values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[PostRead.user_id, PostRead.post_id], set_=on_conflict
        )
    )


def mark_read(user, post_id: int, replies_seen: int | None = None) -> None:
    """The person has read the post and `replies_seen` of its visible replies (all it has
    now when None; never more than it has, whatever a form says)."""
    count = db.session.execute(select(Post.reply_count).where(Post.id == post_id)).scalar()
    if count is None:
        return
    seen = count if replies_seen is None else max(0, min(replies_seen, count))
    now = utcnow()
    _upsert(
        user.id,
        post_id,
        {"read_at": now, "replies_seen": seen, "muted": False},
        {"read_at": now, "replies_seen": seen},
    )


def set_muted(user, post_id: int, muted: bool) -> None:
    """Mute (or unmute) reply notifications of a post for this person."""
    count = db.session.execute(select(Post.reply_count).where(Post.id == post_id)).scalar()
    if count is None:
        return
    _upsert(
        user.id,
        post_id,
        {"read_at": utcnow(), "replies_seen": count, "muted": muted},
        {"muted": muted},
    )


def read_marks(user, post_ids: list[int]) -> dict[int, PostRead]:
    """The person's read marks of these posts, by post id (one query)."""
    if not post_ids or not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(
        select(PostRead).where(PostRead.user_id == user.id, PostRead.post_id.in_(post_ids))
    ).scalars()
    return {row.post_id: row for row in rows}


def is_muted(user, post_id: int) -> bool:
    mark = read_marks(user, [post_id]).get(post_id)
    return mark is not None and mark.muted


def new_replies(post: Post, mark: PostRead | None) -> int:
    """Visible replies the person has not seen (0 for a post they never opened: it is New)."""
    return 0 if mark is None else max(0, post.reply_count - mark.replies_seen)
