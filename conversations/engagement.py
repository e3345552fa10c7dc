"""What members do with what others wrote: "Like" a post or reply, "Vote" for an idea,
"Accept answer" on a question, and the leaders' status of an idea.

Each takes the row lock of what it counts first, so concurrent clicks queue: one like
and one vote per person (the unique indexes are the last line of defence), and one
accepted answer per question.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from conversations.models import IdeaStatus, IdeaVote, Post, PostKind, Reaction, Reply
from core.commands import lock_row
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.permissions import can
from core.signals import idea_status_changed

# --- likes ------------------------------------------------------------------------------


def _target_column(item):
    return Reaction.post_id if isinstance(item, Post) else Reaction.reply_id


def set_liked(user, model, item_id: int, liked: bool):
    """Like (or unlike) a post or a reply; its like count is counted again under its lock."""
    item = lock_row(model, item_id)
    if item is None:
        raise DomainError(_("This is no longer here."))
    if not can(user, "conversations.react", item):
        raise DomainError(_("You may not like this."))
    column = _target_column(item)
    mine = select(Reaction.id).where(column == item.id, Reaction.user_id == user.id)
    exists = db.session.execute(mine).first() is not None
    if liked and not exists:
        db.session.add(Reaction(user_id=user.id, **{column.key: item.id}))
        flush_or_refuse(_("You like this already."))
    elif not liked and exists:
        db.session.execute(delete(Reaction).where(column == item.id, Reaction.user_id == user.id))
    item.like_count = db.session.execute(
        select(func.count(Reaction.id)).where(column == item.id)
    ).scalar_one()
    return item


def liked_by(user, posts: list[Post], replies: list[Reply]) -> set[tuple[str, int]]:
    """("post", id) and ("reply", id) of what the person likes among these (one query)."""
    if not getattr(user, "is_authenticated", False) or not (posts or replies):
        return set()
    post_ids, reply_ids = [p.id for p in posts], [r.id for r in replies]
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.reply_id).where(
            Reaction.user_id == user.id,
            Reaction.post_id.in_(post_ids) | Reaction.reply_id.in_(reply_ids),
        )
    )
    return {("post", p) if p is not None else ("reply", r) for p, r in rows}


# --- idea votes -------------------------------------------------------------------------


def set_voted(user, post_id: int, voted: bool) -> Post:
    """Vote (or unvote) for an idea: one vote per person, counted again under the lock."""
    post = lock_row(Post, post_id)
    if post is None:
        raise DomainError(_("This post is no longer here."))
    if not can(user, "conversations.vote", post):
        raise DomainError(_("Only the community's members vote for its ideas."))
    mine = IdeaVote.post_id == post.id, IdeaVote.user_id == user.id
    exists = db.session.execute(select(IdeaVote.id).where(*mine)).first() is not None
    if voted and not exists:
        db.session.add(IdeaVote(post_id=post.id, user_id=user.id))
        flush_or_refuse(_("You voted for this idea already."))
    elif not voted and exists:
        db.session.execute(delete(IdeaVote).where(*mine))
    post.vote_count = db.session.execute(
        select(func.count(IdeaVote.id)).where(IdeaVote.post_id == post.id)
    ).scalar_one()
    return post


def has_voted(user, post: Post) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    found = select(IdeaVote.id).where(IdeaVote.post_id == post.id, IdeaVote.user_id == user.id)
    return db.session.execute(found).first() is not None


def set_idea_status(leader, post_id: int, status: IdeaStatus, reason: str) -> Post:
    """A leader moves an idea on (with a reason, except back to open); its voters are told."""
    post = lock_row(Post, post_id)
    if post is None or not can(leader, "conversations.set_idea_status", post):
        raise DomainError(_("Only the community's leaders set an idea's status."))
    status = IdeaStatus(status)
    reason = (reason or "").strip()
    if status != IdeaStatus.OPEN and not reason:
        raise DomainError(_("Say why, for the people who voted."), "reason")
    if (status, reason or None) == (post.idea_status, post.idea_status_reason):
        return post
    post.idea_status, post.idea_status_reason = status, reason or None
    idea_status_changed.send(post, actor=leader, status=status, reason=reason)
    return post


# --- accepted answers -------------------------------------------------------------------


def accept_answer(user, reply_id: int) -> Reply:
    """The asker or a leader accepts a visible reply as the question's answer, in place of
    any other. The question is locked first, so two people accepting at once leave one."""
    post_id = db.session.execute(select(Reply.post_id).where(Reply.id == reply_id)).scalar()
    post = lock_row(Post, post_id) if post_id is not None else None
    if post is None:
        raise DomainError(_("This reply is no longer here."))
    reply = lock_row(Reply, reply_id)  # read again: it may have been deleted or hidden
    if reply is None or reply.post_id != post.id:
        raise DomainError(_("This reply is no longer here."))
    if not can(user, "conversations.accept_answer", post) or post.kind != PostKind.QUESTION:
        raise DomainError(_("Only the asker or a leader accepts an answer."))
    if not reply.is_visible:
        raise DomainError(_("Only a reply everyone can read can be the answer."))
    if reply.is_accepted:
        return reply
    db.session.execute(
        update(Reply).where(Reply.post_id == post.id, Reply.is_accepted).values(is_accepted=False)
    )
    reply.is_accepted = True
    post.answer_accepted_at = utcnow()
    flush_or_refuse(_("Another answer was accepted at the same moment."))
    return reply


def unaccept_answer(user, post_id: int) -> Post:
    post = lock_row(Post, post_id)
    if post is None or not can(user, "conversations.accept_answer", post):
        raise DomainError(_("Only the asker or a leader accepts an answer."))
    db.session.execute(
        update(Reply).where(Reply.post_id == post.id, Reply.is_accepted).values(is_accepted=False)
    )
    post.answer_accepted_at = None
    return post


def accepted_answer(post: Post) -> Reply | None:
    """The question's accepted reply, when everyone can read it."""
    if post.kind != PostKind.QUESTION or post.answer_accepted_at is None:
        return None
    return db.session.execute(
        select(Reply).where(Reply.post_id == post.id, Reply.is_accepted, Reply.state == "visible")
    ).scalar_one_or_none()
