"""The SMM queue of briefs, and the old address of brief notifications."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from core.bounds import query_int
from core.fragments import person_link_inputs
from core.models import utcnow
from core.paging import page_of_ids
from core.permissions import requires
from promotions import queries
from promotions.models import BriefStatus, PromotionRequest
from promotions.views import bp


@bp.route("/")
@requires("promotions.browse")
def queue():
    status = request.args.get("status", "")
    status = BriefStatus(status) if status in BriefStatus._value2member_map_ else None
    community_id = query_int("community")
    due = request.args.get("due") if request.args.get("due") in ("overdue", "week") else None
    today = utcnow().date()
    page = page_of_ids(
        queries.queue_query(current_user, status, community_id, due, today),
        30, PromotionRequest, *queries.QUEUE_ROW,
    )  # fmt: skip
    return render_template(
        "promotions/queue.html",
        page=page,
        today=today,
        status=status,
        community_id=community_id,
        due=due,
        communities=queries.queue_communities(current_user),
        statuses=list(BriefStatus),
        deadline_state=queries.deadline_state,
    )


# --- the old notifications page -----------------------------------------------------


@bp.route("/notifications")
def notifications():
    """Brief news is in the one notifications page now."""
    return redirect(url_for("notifications.index"), 301)


@bp.app_template_global()
def queue_row_inputs(brief: PromotionRequest, deadline_state: str | None) -> tuple:
    """What a brief's row in the queue (promotions/queue.html) shows: its key in the kept
    rows (core/fragments.py)."""
    return (
        brief.id, brief.title, brief.subject_kind, brief.community.name, brief.status,
        brief.content_deadline, deadline_state, brief.at_risk_since is not None,
        tuple(channel.name for channel in brief.channels),
        person_link_inputs(brief.assignee),
    )  # fmt: skip
