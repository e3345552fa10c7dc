"""The moderation queue: held posts and replies, and reported ones with their open reports
and their author's history, for one community's leaders or site-wide for admins.

A page costs a fixed number of statements: the page of keys (and its count), the posts,
the replies, the reports with their reporters, and the authors' histories.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select, union_all
from sqlalchemy.orm import selectinload

from community.services import remember_memberships
from conversations.models import ContentReport, ContentState, Post, Reply
from conversations.watched_words import find_watched, watched_phrases
from core.extensions import db
from core.paging import load_in_order, paginate

PER_PAGE = 20


@dataclass
class History:
    """What an author wrote in a community: posts and replies, and how many were removed."""

    written: int = 0
    removed: int = 0


@dataclass
class QueueEntry:
    item: Post | Reply
    kind: str  # "post" or "reply"
    community: object
    reports: list[ContentReport] = field(default_factory=list)
    history: History = field(default_factory=History)
    watched: list[str] = field(default_factory=list)  # watched words in held content

    @property
    def post(self) -> Post:
        return self.item if self.kind == "post" else self.item.post


def _waiting_keys(community_id: int | None):
    """One key per item waiting for a decision, oldest first: a post's id, or minus a
    reply's id (so both kinds page together as one column)."""
    open_reports = ContentReport.resolved_at.is_(None)
    if community_id is not None:
        open_reports = open_reports & (ContentReport.community_id == community_id)
    reported_posts = select(ContentReport.post_id).where(
        open_reports, ContentReport.post_id.isnot(None)
    )
    reported_replies = select(ContentReport.reply_id).where(
        open_reports, ContentReport.reply_id.isnot(None)
    )
    posts = select(Post.id.label("key"), Post.created_at.label("at")).where(
        or_(Post.state == ContentState.HELD, Post.id.in_(reported_posts))
    )
    replies = (
        select((-Reply.id).label("key"), Reply.created_at.label("at"))
        .join(Post, Post.id == Reply.post_id)
        .where(or_(Reply.state == ContentState.HELD, Reply.id.in_(reported_replies)))
    )
    if community_id is not None:
        posts = posts.where(Post.community_id == community_id)
        replies = replies.where(Post.community_id == community_id)
    waiting = union_all(posts, replies).subquery()
    return select(waiting.c.key).order_by(waiting.c.at, waiting.c.key)


def queue_page(community=None):
    """The page of the queue (all communities when `community` is None) as QueueEntries."""
    page = paginate(_waiting_keys(community.id if community else None), PER_PAGE)
    keys = list(page.items)
    posts = {
        p.id: p
        for p in load_in_order(Post, [k for k in keys if k > 0],
                               selectinload(Post.author), selectinload(Post.community),
                               selectinload(Post.images))
    }  # fmt: skip
    replies = {
        r.id: r
        for r in load_in_order(Reply, [-k for k in keys if k < 0], selectinload(Reply.author),
                               selectinload(Reply.post).selectinload(Post.community))
    }  # fmt: skip
    entries = []
    for key in keys:
        item = posts.get(key) if key > 0 else replies.get(-key)
        if item is not None:
            kind = "post" if key > 0 else "reply"
            owner = item.community if kind == "post" else item.post.community
            entries.append(QueueEntry(item=item, kind=kind, community=owner))
    # Whether each author leads there ("Remove as spam" is not offered against a leader).
    remember_memberships({(e.item.author_id, e.community.id) for e in entries})
    _add_reports(entries)
    _add_histories(entries)
    _add_watched_words(entries)
    page.items = entries
    return page


def _add_reports(entries: list[QueueEntry]) -> None:
    if not entries:
        return
    post_ids = [e.item.id for e in entries if e.kind == "post"]
    reply_ids = [e.item.id for e in entries if e.kind == "reply"]
    rows = db.session.execute(
        select(ContentReport)
        .options(selectinload(ContentReport.reporter))
        .where(
            ContentReport.resolved_at.is_(None),
            or_(ContentReport.post_id.in_(post_ids), ContentReport.reply_id.in_(reply_ids)),
        )
        .order_by(ContentReport.created_at, ContentReport.id)
    ).scalars()
    by_item = defaultdict(list)
    for report in rows:
        key = ("post", report.post_id) if report.post_id else ("reply", report.reply_id)
        by_item[key].append(report)
    for entry in entries:
        entry.reports = by_item.get((entry.kind, entry.item.id), [])


def _add_watched_words(entries: list[QueueEntry]) -> None:
    """The watched words that held content holds, for the moderators (one statement)."""
    held = [e for e in entries if e.item.state == ContentState.HELD]
    if not held:
        return
    phrases = watched_phrases()
    for entry in held:
        text = f"{entry.item.title}\n{entry.item.body}" if entry.kind == "post" else entry.item.body
        entry.watched = [match.phrase for match in find_watched(text, phrases)]


def _add_histories(entries: list[QueueEntry]) -> None:
    """Each author's history in the entry's community (two grouped statements)."""
    author_ids = {e.item.author_id for e in entries}
    if not author_ids:
        return
    post_rows = db.session.execute(
        select(Post.author_id, Post.community_id, func.count(Post.id), _removed(Post))
        .where(Post.author_id.in_(author_ids))
        .group_by(Post.author_id, Post.community_id)
    ).all()
    reply_rows = db.session.execute(
        select(Reply.author_id, Post.community_id, func.count(Reply.id), _removed(Reply))
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.author_id.in_(author_ids))
        .group_by(Reply.author_id, Post.community_id)
    ).all()
    histories: dict[tuple[int, int], History] = defaultdict(History)
    for author_id, community_id, written, gone in [*post_rows, *reply_rows]:
        history = histories[author_id, community_id]
        history.written += written
        history.removed += gone or 0
    for entry in entries:
        entry.history = histories.get((entry.item.author_id, entry.community.id), History())


def history_of(author_id: int, community_id: int) -> History:
    """One author's history in one community (for the confirmation pages)."""
    history = History()
    posts = select(func.count(Post.id), _removed(Post)).where(
        Post.author_id == author_id, Post.community_id == community_id
    )
    replies = (
        select(func.count(Reply.id), _removed(Reply))
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.author_id == author_id, Post.community_id == community_id)
    )
    for statement in (posts, replies):
        written, removed = db.session.execute(statement).one()
        history.written += written
        history.removed += removed or 0
    return history


def _removed(model):
    return func.sum(case((model.state == ContentState.REMOVED, 1), else_=0))
