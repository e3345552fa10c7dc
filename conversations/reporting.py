"""Members' reports of a post or reply; enough of them hide it until a leader decides."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from conversations.counts import recount_replies
from conversations.models import REASON_LENGTH, ContentReport, ContentState, Post, Reply
from conversations.reasons import ReasonCode
from core import audit, commands
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.signals import content_reported


def target_of(item) -> dict:
    """The report columns that name `item` (a Post or a Reply)."""
    return {"post_id": item.id} if isinstance(item, Post) else {"reply_id": item.id}


def community_id_of(item) -> int:
    return item.community_id if isinstance(item, Post) else item.post.community_id


def open_reports_filter(item):
    column = ContentReport.post_id if isinstance(item, Post) else ContentReport.reply_id
    return (column == item.id, ContentReport.resolved_at.is_(None))


def lock_item(item):
    """Lock a post, or a reply after its post: posts before replies, as posting, deleting
    and accepting an answer lock them, since hiding a reply counts its post's replies
    again (the opposite order would deadlock with them)."""
    if isinstance(item, Reply):
        commands.lock_row(Post, item.post_id)
    return commands.lock_row(type(item), item.id)


def report_content(reporter, item: Post | Reply, reason: str) -> ContentReport:
    """Report `item`; the report that reaches REPORTS_TO_HIDE hides it (exactly once).

    The item's row is locked first, so concurrent reports of one item are counted one
    after the other; the unique index on open reports per person and item is the last
    line against the same person reporting twice at once.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Say what is wrong with it."), field="reason")
    if len(reason) > REASON_LENGTH:
        raise DomainError(
            _("Keep it under %(count)d characters.", count=REASON_LENGTH), field="reason"
        )
    item = lock_item(item)
    if item is None:
        raise DomainError(_("This was deleted meanwhile."))
    already = select(ContentReport.id).where(
        ContentReport.user_id == reporter.id, *open_reports_filter(item)
    )
    if db.session.execute(already).first() is not None:
        raise DomainError(_("You have already reported this; the leaders will look at it."))
    if item.state != ContentState.VISIBLE:
        raise DomainError(_("This is already hidden until a leader decides."))
    report = ContentReport(
        community_id=community_id_of(item), user_id=reporter.id, reason=reason, **target_of(item)
    )
    db.session.add(report)
    flush_or_refuse(_("You have already reported this; the leaders will look at it."))
    audit.record(reporter, "conversations.report", item, reason)
    hidden = _hide_when_reported_enough(item)
    content_reported.send(item, report=report, hidden=hidden)
    return report


def _hide_when_reported_enough(item) -> bool:
    threshold = current_app.config.get("REPORTS_TO_HIDE", 3)
    reporters = db.session.execute(
        select(func.count(func.distinct(ContentReport.user_id))).where(*open_reports_filter(item))
    ).scalar_one()
    if threshold <= 0 or reporters < threshold:
        return False
    item.state = ContentState.HIDDEN
    item.state_reason_code, item.state_reason = ReasonCode.REPORTED, None
    if isinstance(item, Reply):
        recount_replies(item.post)
    audit.record(None, "conversations.hidden_by_reports", item, f"reports={reporters}")
    return True
