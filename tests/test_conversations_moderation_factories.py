"""Test data for moderation: posts and replies made directly as rows, as posting will
(screened first, like conv_core's posting calls it). No tests in this module."""

from datetime import timedelta

from conversations.models import ContentState, Post, PostKind, Reply
from conversations.moderation import screen_new_content
from core.extensions import db
from core.models import utcnow


def make_post(
    author,
    community,
    *,
    title="Що почитати про лідерство?",
    body="Порадьте книгу.",
    state=ContentState.VISIBLE,
    ago: timedelta | None = None,
    **extra,
) -> Post:
    created = utcnow() - (ago or timedelta(0))
    post = Post(community_id=community.id, author_id=author.id, kind=PostKind.DISCUSSION,
                title=title, body=body, state=state, created_at=created,
                last_activity_at=created, **extra)  # fmt: skip
    db.session.add(post)
    db.session.commit()
    return post


def make_reply(author, post, *, body="Turn the Ship Around!", state=ContentState.VISIBLE,
               ago: timedelta | None = None) -> Reply:  # fmt: skip
    reply = Reply(post_id=post.id, author_id=author.id, body=body, state=state,
                  created_at=utcnow() - (ago or timedelta(0)))  # fmt: skip
    db.session.add(reply)
    db.session.flush()
    from conversations.counts import recount_replies

    recount_replies(post)
    db.session.commit()
    return reply


def post_screened(author, community, title="Hello", body="Hello everyone") -> Post:
    """A post as posting makes it: screened, then added in the state screening chose."""
    state, reason = screen_new_content(author, community, f"{title}\n{body}", is_post=True)
    return make_post(author, community, title=title, body=body, state=state,
                     state_reason_code=reason)  # fmt: skip


def reply_screened(author, post, body="Thanks!") -> Reply:
    state, _reason = screen_new_content(author, post.community, body, is_post=False)
    return make_reply(author, post, body=body, state=state)
