"""A post's kept figures, recomputed from its rows by the command that changed them.

Every command that adds, hides, restores or removes a reply (posting, moderation)
calls `recount_replies`, so the list never shows a figure its rows do not hold.
"""

from sqlalchemy import case, func, select

from conversations.models import ContentState, Post, Reply
from core.extensions import db
from core.models import utcnow


def visible_reply_figures():
    """The columns of `recount_replies`' figures over visible replies (group by post)."""
    return (
        func.count(Reply.id),
        func.min(Reply.created_at),
        func.max(Reply.created_at),
        func.sum(case((Reply.is_accepted, 1), else_=0)),
    )


def set_figures(post: Post, count: int, first, last, accepted) -> None:
    """A question is answered while its accepted reply is visible: hidden or removed, the
    question is unanswered again; restored, answered again (from then)."""
    post.reply_count = count
    post.first_reply_at = first
    post.last_activity_at = max(filter(None, (post.created_at, last)))
    if not accepted:
        post.answer_accepted_at = None
    elif post.answer_accepted_at is None:
        post.answer_accepted_at = utcnow()


def recount_replies(post: Post) -> None:
    """Visible replies, the first reply's time, the last activity and whether the accepted
    answer shows, of `post`."""
    db.session.flush()
    figures = db.session.execute(
        select(*visible_reply_figures()).where(
            Reply.post_id == post.id, Reply.state == ContentState.VISIBLE
        )
    ).one()
    set_figures(post, *figures)
