"""Screening new content: what happens to a post or reply before anyone reads it.

Posting calls `screen_new_content` for every new post and reply, before adding it. In
order: a person removed as spam may not post; the posting limits (per person, site-wide,
never per address); watched words (refuse, then hold); a community that holds new
members' first posts holds them. The leaders' decisions afterwards are in decisions.py.
"""

from datetime import datetime, timedelta

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.models import User
from community.services import is_leader
from conversations.models import ContentState, Post, Reply, WatchedWordAction
from conversations.permissions import is_banned
from conversations.reasons import ReasonCode
from conversations.watched_words import find_watched, watched_phrases
from core.commands import lock_row
from core.dates import moment_text
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import is_admin

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def hold_author(author) -> None:
    """Lock the author's row against "Remove as spam" until the command ends: posting
    takes it before screening, the removal before removing, so a post written while its
    author is removed is either refused or removed with the rest. Take it first."""
    lock_row(User, author.id, key_share=True)


def screen_new_content(
    author, community, text: str | dict[str, str], *, is_post: bool
) -> tuple[ContentState, ReasonCode | None]:
    """The state new content starts in, and why (a code, put in words for each reader).
    `text` is the body's, or the words of each form field by the field's name.

    Raises DomainError when the content is refused: its author was removed as spam from
    the community or reached a posting limit (field "body"), or a field holds a watched
    word that refuses (that field). The refusal never names the word.
    """
    if is_banned(author, community, cached=False):
        raise DomainError(_("You can no longer post in this community."), field="body")
    check_posting_limits(author, is_post=is_post)
    if held_for := screen_words(text):
        return ContentState.HELD, held_for
    if _holds_first_posts_of(author, community):
        return ContentState.HELD, ReasonCode.FIRST_POSTS
    return ContentState.VISIBLE, None


def screen_words(text: str | dict[str, str]) -> ReasonCode | None:
    """Why the words must wait for a leader (a watched word that holds), or None when they
    may be read; raises DomainError, beside the field that holds it, for a watched word
    that refuses. `text` is the body's, or each form field's by name. New content and
    edits alike: an edit must not say what the post could not."""
    by_field = {"body": text} if isinstance(text, str) else text
    phrases = watched_phrases()
    held = False
    for field, words in by_field.items():
        matches = find_watched(words or "", phrases)
        if matches and matches[0].action == WatchedWordAction.REFUSE:
            raise DomainError(
                _("This contains a word or phrase that is not allowed here. Please reword it."),
                field=field,
            )
        held = held or bool(matches)
    return ReasonCode.WATCHED_WORD if held else None


# --- posting limits -----------------------------------------------------------------------


def check_posting_limits(author, *, is_post: bool) -> None:
    """Refuse a post (or reply) beyond the person's limits per minute and per day.

    The limits hold for people writing on the site's pages (a request); the demo data and
    other scripts that write many posts at once through the services are not limited.
    """
    if not has_request_context():
        return
    model = Post if is_post else Reply
    prefix = "POSTS" if is_post else "REPLIES"
    for window, setting in ((MINUTE, f"{prefix}_PER_MINUTE"), (DAY, f"{prefix}_PER_DAY")):
        limit = current_app.config.get(setting, 0)
        if limit <= 0:
            continue
        if (free_at := _free_again_at(model, author.id, window, limit)) is not None:
            message = (
                _("You have posted a lot in a short time. You can post again at %(time)s.",
                  time=moment_text(free_at)) if is_post else
                _("You have replied a lot in a short time. You can reply again at %(time)s.",
                  time=moment_text(free_at))
            )  # fmt: skip
            raise DomainError(message, field="body")


def _free_again_at(model, author_id: int, window: timedelta, limit: int) -> datetime | None:
    """When the person may write again, or None when they may now: the `limit`-th newest
    item of theirs in the window leaves it (one indexed statement)."""
    now = utcnow()
    oldest_counted = db.session.execute(
        select(model.created_at)
        .where(model.author_id == author_id, model.created_at > now - window)
        .order_by(model.created_at.desc())
        .offset(limit - 1)
        .limit(1)
    ).scalar()
    if oldest_counted is None:
        return None
    # Shown to the minute: round up so "again at 14:05" is never too early.
    free_at = oldest_counted + window
    return free_at + timedelta(seconds=60 - free_at.second) if free_at.second else free_at


# --- first posts held ---------------------------------------------------------------------


def _holds_first_posts_of(author, community) -> bool:
    """True until a leader has let `hold_first_posts` of the person's items there be read
    (approved ones; so writing several at once, all held, lets none through). Leaders and
    admins are never held."""
    hold = community.hold_first_posts or 0
    if hold <= 0 or is_admin(author) or is_leader(author, community):
        return False
    return items_approved(author.id, community.id) < hold


def items_approved(author_id: int, community_id: int) -> int:
    """Posts and replies `author_id` wrote in the community that others could read: visible
    ones, and hidden ones (they were visible), not held or removed ones (one statement)."""
    readable = [ContentState.VISIBLE, ContentState.HIDDEN]
    posts = (
        select(func.count(Post.id))
        .where(
            Post.author_id == author_id,
            Post.community_id == community_id,
            Post.state.in_(readable),
        )
        .scalar_subquery()
    )
    replies = (
        select(func.count(Reply.id))
        .join(Post, Post.id == Reply.post_id)
        .where(
            Reply.author_id == author_id,
            Post.community_id == community_id,
            Reply.state.in_(readable),
        )
        .scalar_subquery()
    )
    return db.session.execute(select(posts + replies)).scalar_one()
