"""The leaders' decisions on a post or reply: approve, reject, hide, restore, and remove a
person's content as spam. Each locks the item first, resolves all its open reports
together, is written to the audit log, and tells the author through signals."""

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from accounts import services as accounts
from conversations.counts import recount_replies, set_figures, visible_reply_figures
from conversations.models import (
    REASON_LENGTH,
    ContentReport,
    ContentState,
    Post,
    PostingBan,
    Reply,
)
from conversations.moderation import hold_author
from conversations.permissions import why_not_remove_as_spam
from conversations.reasons import ReasonCode
from conversations.reporting import lock_item, open_reports_filter
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import content_moderated, post_published, reply_published


def _locked(item):
    locked = lock_item(item)
    if locked is None:
        raise DomainError(_("This was deleted meanwhile."))
    return locked


def _has_open_reports(item) -> bool:
    found = select(ContentReport.id).where(*open_reports_filter(item)).limit(1)
    return db.session.execute(found).first() is not None


def _resolve_reports(actor, item, resolution: str) -> None:
    db.session.execute(
        update(ContentReport)
        .where(*open_reports_filter(item))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
    )


def _set_state(
    item, state: ContentState, reason: str | None, code: ReasonCode | None = None
) -> None:
    """The item's new state, and why: a leader's words (`reason`) or the site's `code`."""
    was_visible = item.state == ContentState.VISIBLE
    item.state, item.state_reason, item.state_reason_code = state, reason, code
    if isinstance(item, Reply) and was_visible != (state == ContentState.VISIBLE):
        recount_replies(item.post)


def _clean_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_LENGTH:
        raise DomainError(
            _("Keep it under %(count)d characters.", count=REASON_LENGTH), field="reason"
        )
    return reason


def approve(actor, item):
    """Held content becomes visible (and is announced as if just posted); reported
    visible content stays, and its reports are dismissed."""
    item = _locked(item)
    if item.state == ContentState.HELD:
        _set_state(item, ContentState.VISIBLE, None)
        _resolve_reports(actor, item, "approved")
        audit.record(actor, "conversations.approve", item)
        signal = post_published if isinstance(item, Post) else reply_published
        signal.send(item, actor=item.author)
    elif item.state == ContentState.VISIBLE and _has_open_reports(item):
        _resolve_reports(actor, item, "kept")
        audit.record(actor, "conversations.keep", item)
    else:
        raise DomainError(_("There is nothing to approve: it is not awaiting a decision."))
    return item


def reject(actor, item, reason: str):
    """Remove content for good, with a reason its author reads."""
    reason = _clean_reason(reason)
    if not reason:
        raise DomainError(_("Tell the author why."), field="reason")
    item = _locked(item)
    if item.state == ContentState.REMOVED:
        raise DomainError(_("This was already removed."))
    _set_state(item, ContentState.REMOVED, reason)
    _resolve_reports(actor, item, "rejected")
    audit.record(actor, "conversations.reject", item, reason)
    content_moderated.send(item, actor=actor, decision="rejected", reason=reason)
    return item


def hide(actor, item, reason: str | None = None):
    reason = _clean_reason(reason) or None
    code = None if reason else ReasonCode.HIDDEN_BY_LEADER
    item = _locked(item)
    if item.state != ContentState.VISIBLE:
        raise DomainError(_("Only visible content can be hidden."))
    _set_state(item, ContentState.HIDDEN, reason, code)
    _resolve_reports(actor, item, "hidden")
    audit.record(actor, "conversations.hide", item, reason or code)
    content_moderated.send(
        item, actor=actor, decision="hidden", reason=reason or "", reason_code=code
    )
    return item


def restore(actor, item):
    item = _locked(item)
    if item.state not in (ContentState.HIDDEN, ContentState.REMOVED):
        raise DomainError(_("Only hidden or removed content can be restored."))
    _set_state(item, ContentState.VISIBLE, None)
    _resolve_reports(actor, item, "restored")
    audit.record(actor, "conversations.restore", item)
    return item


# --- remove as spam -----------------------------------------------------------------------

SPAM_REASON = {"state_reason_code": ReasonCode.SPAM, "state_reason": None}


def remove_as_spam(actor, item, *, deactivate: bool = False) -> int:
    """Remove everything `item`'s author wrote in its community, stop them posting there
    and (admins only; the view checks) deactivate their account. Returns how many posts
    and replies were removed. A bounded number of statements, however much they wrote."""
    hold_author(item.author)  # before the item: posting holds the author first too
    item = _locked(item)
    community = item.community if isinstance(item, Post) else item.post.community
    author = item.author
    if refusal := why_not_remove_as_spam(actor, item):
        raise DomainError(refusal)
    removed = _remove_all_by(actor, author.id, community.id)
    banned = select(PostingBan.id).where(
        PostingBan.community_id == community.id, PostingBan.user_id == author.id
    )
    if db.session.execute(banned).first() is None:
        db.session.add(
            PostingBan(community_id=community.id, user_id=author.id, created_by_id=actor.id)
        )
    audit.record(actor, "conversations.remove_as_spam", author,
                 f"community={community.slug} items={removed}")  # fmt: skip
    content_moderated.send(item, actor=actor, decision="removed", reason_code=ReasonCode.SPAM)
    if deactivate and author.active:
        accounts.set_active(actor, author, False)
    db.session.flush()
    return removed


def _remove_all_by(actor, author_id: int, community_id: int) -> int:
    # Never correlated with the table an UPDATE below changes: these name fixed rows.
    in_community = select(Post.id).where(Post.community_id == community_id).correlate(None)
    post_ids = (
        select(Post.id)
        .where(Post.community_id == community_id, Post.author_id == author_id)
        .correlate(None)
    )
    reply_ids = (
        select(Reply.id)
        .where(Reply.post_id.in_(in_community), Reply.author_id == author_id)
        .correlate(None)
    )
    counted = select(func.count()).select_from
    removed = (
        db.session.execute(
            counted(post_ids.where(Post.state != ContentState.REMOVED).subquery())
        ).scalar_one()
        + db.session.execute(
            counted(reply_ids.where(Reply.state != ContentState.REMOVED).subquery())
        ).scalar_one()
    )
    db.session.execute(
        update(Reply)
        .where(Reply.id.in_(reply_ids), Reply.state != ContentState.REMOVED)
        .values(state=ContentState.REMOVED, **SPAM_REASON),
        execution_options={"synchronize_session": False},
    )
    resolved = {"resolved_at": utcnow(), "resolved_by_id": actor.id, "resolution": "spam"}
    db.session.execute(
        update(ContentReport)
        .where(
            ContentReport.resolved_at.is_(None),
            ContentReport.post_id.in_(post_ids) | ContentReport.reply_id.in_(reply_ids),
        )
        .values(**resolved),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()
    threads = select(Reply.post_id).where(Reply.id.in_(reply_ids)).correlate(None)
    _remove_posts_and_recount(author_id, post_ids, threads)
    return removed


def _remove_posts_and_recount(author_id: int, post_ids, threads) -> None:
    """The person's posts removed, and the figures of the threads they replied in counted
    again: through the session, so the search index follows (their posts leave it, and
    their words leave the threads they replied in). Three statements and one UPDATE per
    kind of change, however many posts; the index then rebuilds each changed document."""
    posts = (
        db.session.execute(select(Post).where(Post.id.in_(post_ids) | Post.id.in_(threads)))
        .scalars()
        .all()
    )
    figures = {
        post_id: figures
        for post_id, *figures in db.session.execute(
            select(Reply.post_id, *visible_reply_figures())
            .where(Reply.post_id.in_(post_ids) | Reply.post_id.in_(threads))
            .where(Reply.state == ContentState.VISIBLE)
            .group_by(Reply.post_id)
        )
    }
    for post in posts:
        if post.author_id == author_id and post.state != ContentState.REMOVED:
            post.state = ContentState.REMOVED
            post.state_reason_code, post.state_reason = SPAM_REASON.values()
        set_figures(post, *figures.get(post.id, (0, None, None, 0)))
