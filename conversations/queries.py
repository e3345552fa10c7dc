"""Reading a community's conversations: the list with its filters, a post's thread, and
the latest posts for the community page.

Long lists page by keyset, never by OFFSET: a page continues after the last row of the
one before it (`Cursor`), so the database walks an index from there (ix_posts_listing,
ix_posts_kind_listing, ix_posts_idea_votes, ix_posts_unanswered; ix_post_replies_thread)
and page 5,000 costs what page 1 does. Pinned posts come first, above the pages: they
are few, and the pages below are every other post by last activity.
"""

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text, true, tuple_
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from accounts.models import AS_PERSON_LINK
from conversations.models import ContentState, Post, PostKind, Reply
from core.bounds import FIRST_DAY, LAST_DAY, MAX_INT
from core.extensions import db

PER_PAGE = 25
REPLIES_PER_PAGE = 50
PINNED_SHOWN = 10  # more pins than this are not pins any more
LATEST_ON_COMMUNITY_PAGE = 5
OWN_WAITING_SHOWN = 10
VISIBLE = ContentState.VISIBLE


class Filter(enum.StrEnum):
    ALL = "all"
    QUESTIONS = "questions"
    IDEAS = "ideas"
    ANNOUNCEMENTS = "announcements"
    # Questions without an accepted answer, whether or not someone replied: a reply that
    # did not answer leaves the question open (DESIGN §7); the list says "No replies yet"
    # of those nobody has answered at all.
    UNANSWERED = "unanswered"

    @classmethod
    def read(cls, value: str | None) -> "Filter":
        return cls(value) if value in cls._value2member_map_ else cls.ALL


FILTER_KINDS = {
    Filter.QUESTIONS: PostKind.QUESTION,
    Filter.IDEAS: PostKind.IDEA,
    Filter.ANNOUNCEMENTS: PostKind.ANNOUNCEMENT,
}


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the post with this sort value (a moment in microseconds,
    or a vote count) and this id. Written in links as "<value>.<id>"."""

    value: int
    id: int

    def text(self) -> str:
        return f"{self.value}.{self.id}"

    @classmethod
    def read(cls, text: str | None) -> "Cursor | None":
        """The cursor in `text`, or None (the first page) when it is not one."""
        value, _, row_id = (text or "")[:40].partition(".")
        if not (value.isdigit() and row_id.isdigit()):
            return None
        value, row_id = int(value), int(row_id)
        return cls(value, row_id) if value <= _LAST_MICROSECOND and row_id <= MAX_INT else None


_LAST_MICROSECOND = int(datetime(LAST_DAY.year + 1, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
_FIRST_MICROSECOND = int(datetime(FIRST_DAY.year, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)


def _micro(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _moment(micro: int) -> datetime:
    micro = max(micro, _FIRST_MICROSECOND)
    return datetime.fromtimestamp(micro // 1_000_000, UTC).replace(microsecond=micro % 1_000_000)


@dataclass
class PostPage:
    posts: list[Post]
    next_cursor: Cursor | None


def _load(post_ids: list[int]) -> list[Post]:
    if not post_ids:
        return []
    found = db.session.execute(
        select(Post)
        .options(selectinload(Post.author).options(*AS_PERSON_LINK))
        .where(Post.id.in_(post_ids))
    ).scalars()
    by_id = {post.id: post for post in found}
    return [by_id[i] for i in post_ids if i in by_id]


def pinned_posts(community, chosen: Filter) -> list[Post]:
    """The pinned visible posts the filter shows, newest activity first (few)."""
    query = select(Post.id).where(
        Post.community_id == community.id, Post.state == VISIBLE, Post.pinned.is_(True)
    )
    if chosen in FILTER_KINDS:
        query = query.where(Post.kind == FILTER_KINDS[chosen])
    elif chosen == Filter.UNANSWERED:
        query = query.where(UNANSWERED)
    query = query.order_by(Post.last_activity_at.desc(), Post.id.desc()).limit(PINNED_SHOWN)
    return _load(list(db.session.execute(query).scalars()))


# Unanswered questions, written as the partial index ix_posts_unanswered states them, so
# both databases see that the index holds exactly these rows.
UNANSWERED = text("kind = 'question' AND state = 'visible' AND answer_accepted_at IS NULL")


def _ordering(chosen: Filter):
    """The sort columns of a filter's pages, and how a post gives its cursor's value."""
    if chosen == Filter.IDEAS:
        return (Post.vote_count, Post.id), lambda post: post.vote_count
    return (Post.last_activity_at, Post.id), lambda post: _micro(post.last_activity_at)


def page_ids_query(community, chosen: Filter, after: Cursor | None):
    """The ids of one page of the community's unpinned visible posts (and one more, to
    know whether another page follows): by last activity, or by votes for ideas."""
    order, _value = _ordering(chosen)
    query = select(Post.id).where(Post.community_id == community.id, Post.pinned.is_(False))
    if chosen == Filter.UNANSWERED:
        query = query.where(UNANSWERED)
    else:
        query = query.where(Post.state == VISIBLE)
        if chosen in FILTER_KINDS:
            query = query.where(Post.kind == FILTER_KINDS[chosen])
    if after is not None:
        bound = after.value if chosen == Filter.IDEAS else _moment(after.value)
        query = query.where(tuple_(*order) < tuple_(bound, after.id))
    return query.order_by(*(column.desc() for column in order)).limit(PER_PAGE + 1)


def post_page(community, chosen: Filter, after: Cursor | None) -> PostPage:
    """One page of posts: one statement for the ids on the index, one for the rows (and
    one for their authors)."""
    ids = list(db.session.execute(page_ids_query(community, chosen, after)).scalars())
    posts = _load(ids[:PER_PAGE])
    _order, value_of = _ordering(chosen)
    more = len(ids) > PER_PAGE and posts
    return PostPage(posts, Cursor(value_of(posts[-1]), posts[-1].id) if more else None)


def own_waiting_posts(user, community) -> list[Post]:
    """The person's own posts that others cannot see yet (held, hidden), newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = (
        select(Post.id)
        .where(
            Post.community_id == community.id,
            Post.author_id == user.id,
            Post.state.in_([ContentState.HELD, ContentState.HIDDEN]),
        )
        .order_by(Post.id.desc())
        .limit(OWN_WAITING_SHOWN)
    )
    return _load(list(db.session.execute(query).scalars()))


def latest_posts(community, limit: int = LATEST_ON_COMMUNITY_PAGE) -> list[Post]:
    """The latest conversations for the community page: pinned first, then by activity."""
    query = (
        select(Post.id)
        .where(Post.community_id == community.id, Post.state == VISIBLE)
        .order_by(Post.pinned.desc(), Post.last_activity_at.desc(), Post.id.desc())
        .limit(limit)
    )
    return _load(list(db.session.execute(query).scalars()))


# --- a post's thread --------------------------------------------------------------------


@dataclass
class Thread:
    replies: list[Reply]
    earlier: int | None  # the `before` of the page before this one
    later: int | None  # the `after` of the page after this one


def thread(post: Post, after: int | None = None, before: int | None = None) -> Thread:
    """A page of the post's visible replies in order, paged by id: from the start, after
    the reply `after`, or ending before the reply `before` (MAX_INT: the latest page)."""
    query = select(Reply.id).where(Reply.post_id == post.id, Reply.state == VISIBLE)
    if before is not None:
        query = query.where(Reply.id < before).order_by(Reply.id.desc())
    else:
        query = query.where(Reply.id > (after or 0)).order_by(Reply.id)
    ids = list(db.session.execute(query.limit(REPLIES_PER_PAGE + 1)).scalars())
    more = len(ids) > REPLIES_PER_PAGE
    ids = sorted(ids[:REPLIES_PER_PAGE])
    replies = _load_replies(ids, post)
    if before is not None:
        earlier = ids[0] if more else None
        later = ids[-1] if ids else None
    else:
        earlier = ids[0] if ids and after else None
        later = ids[-1] if more else None
    return Thread(replies, earlier, later)


def _load_replies(reply_ids: list[int], post: Post) -> list[Reply]:
    """The replies of `post` with these ids, their authors, and `post` as theirs: a page's
    permission checks ask each reply for its post, a lookup of its own otherwise."""
    if not reply_ids:
        return []
    found = db.session.execute(
        select(Reply)
        .options(selectinload(Reply.author).options(*AS_PERSON_LINK))
        .where(Reply.id.in_(reply_ids))
        .order_by(Reply.id)
    ).scalars()
    replies = list(found)
    for reply in replies:
        set_committed_value(reply, "post", post)
    return replies


def unseen_replies(user, post: Post, moderates: bool) -> list[Reply]:
    """Replies in the post that only some see: the person's own that wait for approval
    (or were hidden), and for moderators everyone's; at most a page of them."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = true() if moderates else Reply.author_id == user.id
    query = (
        select(Reply.id)
        .where(
            Reply.post_id == post.id,
            Reply.state.in_([ContentState.HELD, ContentState.HIDDEN, ContentState.REMOVED]),
            mine,
        )
        .order_by(Reply.id)
        .limit(REPLIES_PER_PAGE)
    )
    return _load_replies(list(db.session.execute(query).scalars()), post)
