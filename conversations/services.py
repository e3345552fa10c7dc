"""Writing in a community's conversations: posts and replies, their edits and deletions,
and the leaders' pins and closes.

Every new post and reply is screened first (`moderation.screen_new_content`): held
content waits, unseen by others, and only content that readers can see is announced
(`post_published`, `reply_published`) and counted.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import flag_modified

from community.models import Community
from conversations import moderation, post_images, reading
from conversations.counts import recount_replies
from conversations.models import ContentState, IdeaStatus, Post, PostKind, Reply
from core.commands import lock_row
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.permissions import can
from core.signals import post_published, reply_published


def _refuse_unless(user, action: str, obj, message: str, field: str | None = None) -> None:
    if not can(user, action, obj):
        raise DomainError(message, field)


# --- posts ------------------------------------------------------------------------------


def create_post(
    author,
    community_id: int,
    kind: PostKind,
    title: str,
    body: str = "",
    submit_token: str | None = None,
    images=(),
    caption: str | None = None,
) -> Post:
    """A new post, with the uploaded `images` (file streams); an announcement is pinned
    when posted. The same form sent twice (`submit_token`) gives back the post it made
    the first time."""
    moderation.hold_author(author)
    sent = {"community_id": community_id, "kind": PostKind(kind), "title": (title or "").strip()}
    if made := _made_by_form(Post, author, submit_token, **sent, body=body or ""):
        return made
    community = db.session.get(Community, community_id)
    if community is None:
        raise DomainError(_("This community is no longer here."))
    _refuse_unless(author, "conversations.post", community, _("Only members may post here."))
    kind = PostKind(kind)
    if kind == PostKind.ANNOUNCEMENT:
        _refuse_unless(
            author,
            "conversations.announce",
            community,
            _("Only the community's leaders make announcements."),
            "kind",
        )
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the post a title."), "title")
    state, reason = moderation.screen_new_content(
        author, community, {"title": title, "body": body, "caption": caption}, is_post=True
    )
    post = Post(
        community_id=community.id,
        community=community,
        author_id=author.id,
        author=author,
        kind=kind,
        title=title,
        body=body or "",
        state=state,
        state_reason_code=reason,
        pinned=kind == PostKind.ANNOUNCEMENT,
        submit_token=submit_token or None,
    )
    post.last_activity_at = post.created_at = utcnow()
    if kind == PostKind.IDEA:
        post.idea_status = IdeaStatus.OPEN
    post_images.change_images(post, images, caption=caption)
    db.session.add(post)
    flush_or_refuse(_("This post was already sent."))
    reading.mark_read(author, post.id, replies_seen=0)
    if post.state == ContentState.VISIBLE:
        post_published.send(post, actor=author)
    return post


def _made_by_form(model, author, submit_token: str | None, **sent):
    """What the form with `submit_token` already made, or None; refused when that was made
    from other words than those `sent` now (field names and values).

    A double click or a resent page posts the same form twice, often at the same moment
    from two requests. A one-time token in the form, rather than "the same words in the
    last few seconds", tells a resent form from a person saying the same thing again on
    purpose, and needs no clock. Callers look for it under the author's row lock
    (`moderation.hold_author`, taken first by every post and reply), so on PostgreSQL the
    second request waits for the first to commit and then finds its post or reply; on
    SQLite the command's write lock queues them the same way. The unique index on
    (author, token) is the last line of defence.

    The Back button brings the sent page back with its token: words changed there and sent
    are new words, never dropped for what the form made first. They are refused, kept in
    the form, and the view draws the form a new token to send them with.
    """
    if not submit_token:
        return None
    made = db.session.execute(
        select(model).where(model.author_id == author.id, model.submit_token == submit_token)
    ).scalar_one_or_none()
    if made is not None and any(getattr(made, name) != value for name, value in sent.items()):
        raise DomainError(
            _("This form was already sent once, with other words. Send it again to post "
              "these as well.")
        )  # fmt: skip
    return made


def edit_post(
    editor,
    post_id: int,
    title: str,
    body: str,
    images=(),
    remove_images=(),
    caption: str | None = None,
) -> Post:
    """Save an edit: new words are screened again; pictures are removed and added. The
    post is locked first: two edits adding pictures at once stay within the limit, and
    an edit of a post deleted meanwhile is refused in words."""
    post = lock_row(Post, post_id)
    if post is None:
        raise DomainError(_("This post is no longer here."))
    _refuse_unless(editor, "conversations.edit", post, _("You may not edit this post."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the post a title."), "title")
    body = body or ""
    if (title, body) != (post.title, post.body):
        _hold_when_watched(post, {"title": title, "body": body})
        post.title, post.body = title, body
        post.edited_at = utcnow()
    images = list(images)
    recaptioned = post.images and (
        post_images.clean_caption(caption) != post_images.shared_caption(post)
    )
    if images or remove_images or recaptioned:
        if caption and (images or recaptioned):
            _hold_when_watched(post, {"caption": caption})  # the pictures' words too
        post_images.change_images(post, images, remove_images, caption)
        post.edited_at = utcnow()
    return post


def _hold_when_watched(item, text: str | dict[str, str]) -> None:
    """Screen an edit's words as new content's are: refused, or held until a leader
    approves it again (a reply then leaves its thread's figures)."""
    held_for = moderation.screen_words(text)
    if held_for and item.state == ContentState.VISIBLE:
        item.state, item.state_reason_code, item.state_reason = ContentState.HELD, held_for, None
        if isinstance(item, Reply):
            recount_replies(item.post)


def delete_post(user, post_id: int) -> Community:
    """Delete the post with its replies, likes, votes and read marks."""
    post = lock_row(Post, post_id)  # a reply being written waits, then finds it gone
    if post is None:
        raise DomainError(_("This post is no longer here."))
    _refuse_unless(user, "conversations.delete", post, _("You may not delete this post."))
    community = post.community
    post_images.forget_images(post)
    # Its replies go first in the same command: the database's cascade would do it,
    # but a statement here keeps the order plain on both databases.
    db.session.execute(delete(Reply).where(Reply.post_id == post.id))
    db.session.delete(post)
    db.session.flush()
    return community


def set_pinned(leader, post_id: int, pinned: bool) -> Post:
    post = db.session.get(Post, post_id)
    _refuse_unless(leader, "conversations.moderate", post.community, _("Only leaders pin posts."))
    post.pinned = pinned
    return post


def set_closed(leader, post_id: int, closed: bool) -> Post:
    post = db.session.get(Post, post_id)
    _refuse_unless(leader, "conversations.moderate", post.community, _("Only leaders close posts."))
    post.closed = closed
    return post


# --- replies ----------------------------------------------------------------------------


def create_reply(author, post_id: int, body: str, submit_token: str | None = None) -> Reply:
    """A reply in the post's thread. The post is locked first: its figures (replies,
    first reply, last activity) are counted again under the lock. The same form sent
    twice (`submit_token`) gives back the reply it made the first time."""
    moderation.hold_author(author)
    post = lock_row(Post, post_id)
    if post is None:
        raise DomainError(_("This post is no longer here."))
    if made := _made_by_form(Reply, author, submit_token, post_id=post.id, body=body):
        return made
    if post.closed:
        raise DomainError(_("This post is closed: it takes no more replies."), "body")
    _refuse_unless(author, "conversations.reply", post, _("You may not reply here."), "body")
    if not (body or "").strip():
        raise DomainError(_("Write something first."), "body")
    state, reason = moderation.screen_new_content(author, post.community, body, is_post=False)
    reply = Reply(
        post_id=post.id,
        post=post,
        author_id=author.id,
        author=author,
        body=body,
        state=state,
        state_reason_code=reason,
        created_at=utcnow(),
        submit_token=submit_token or None,
    )
    db.session.add(reply)
    flush_or_refuse(_("This reply was already sent."), "body")
    if reply.state == ContentState.VISIBLE:
        recount_replies(post)
        reply_published.send(reply, actor=author)
    # Whoever replies has read the thread up to here.
    reading.mark_read(author, post.id, replies_seen=post.reply_count)
    return reply


def edit_reply(editor, reply_id: int, body: str) -> Reply:
    reply = db.session.get(Reply, reply_id)
    _refuse_unless(editor, "conversations.edit", reply, _("You may not edit this reply."))
    if not (body or "").strip():
        raise DomainError(_("Write something first."), "body")
    if body != reply.body:
        _hold_when_watched(reply, body)
        reply.body = body
        reply.edited_at = utcnow()
        # The post's search document holds its replies' words (search/conversation_
        # documents.py): the post changes with them, so words edited out are not found.
        flag_modified(reply.post, "reply_count")
    return reply


def delete_reply(user, reply_id: int) -> Post:
    """Delete a reply. Its post is locked first and the reply read again under the lock:
    what the page loaded may have been accepted as the answer meanwhile."""
    post_id = db.session.execute(select(Reply.post_id).where(Reply.id == reply_id)).scalar()
    post = lock_row(Post, post_id) if post_id is not None else None
    reply = lock_row(Reply, reply_id) if post is not None else None
    if reply is None:
        raise DomainError(_("This reply is no longer here."))
    _refuse_unless(user, "conversations.delete", reply, _("You may not delete this reply."))
    if reply.is_accepted:
        post.answer_accepted_at = None
    db.session.delete(reply)
    recount_replies(post)
    return post
