"""Moderation pages: "Report", the leaders' and admins' queues, and their decisions
("Approve", "Reject", "Hide", "Restore", "Remove as spam"). Routes join the
conversations blueprint."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from community.views import load_community, register_community_link
from conversations import decisions, reporting
from conversations import moderation_queue as queue
from conversations.models import Post, Reply
from conversations.moderation_forms import RejectForm, ReportForm, SpamForm
from conversations.permissions import why_not_remove_as_spam
from conversations.views import bp
from core import commands
from core.errors import forbidden
from core.extensions import db
from core.navigation import add_admin_item
from core.permissions import can, require, requires
from core.security import safe_redirect_target

add_admin_item(
    "conversations.site_moderation_queue", _l("Moderation"), "conversations.moderate_site", 40
)

register_community_link(
    "conversations.moderation_queue", _l("Moderation"), "conversations.moderate"
)

ITEM_KINDS = "any(post, reply)"


def _load_item(community, kind: str, item_id: int) -> Post | Reply:
    """The post or reply `item_id` of `community` (404 for another community's)."""
    item = db.get_or_404(Post if kind == "post" else Reply, item_id)
    if reporting.community_id_of(item) != community.id:
        abort(404)
    return item


def _post_of(item) -> Post:
    return item if isinstance(item, Post) else item.post


def _back(community) -> str:
    """Where a decision returns to: the page it came from (when on this site), else the queue."""
    target = request.form.get("next") or request.args.get("next")
    return safe_redirect_target(
        target, url_for("conversations.moderation_queue", slug=community.slug)
    )


# --- the queues ---------------------------------------------------------------------------


@bp.route("/communities/<slug>/moderation")
def moderation_queue(slug: str):
    community = load_community(slug, "conversations.moderate")
    return render_template(
        "conversations/moderation/queue.html",
        community=community,
        page=queue.queue_page(community),
    )


@bp.route("/moderation")
@requires("conversations.moderate_site")
def site_moderation_queue():
    return render_template(
        "conversations/moderation/queue.html", community=None, page=queue.queue_page()
    )


# --- a member's report --------------------------------------------------------------------


@bp.route(f"/communities/<slug>/<{ITEM_KINDS}:kind>/<int:item_id>/report", methods=["GET", "POST"])
def report(slug: str, kind: str, item_id: int):
    community = load_community(slug, "conversations.read")
    item = _load_item(community, kind, item_id)
    require("conversations.view_post", _post_of(item), hide=True)
    # A reply that is held or hidden is as private as such a post: 404, not 403.
    require("conversations.report", item, hide=not item.is_visible)
    form = ReportForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: reporting.report_content(current_user, item, form.reason.data),
            done=_("Thank you. The community's leaders will look at it."),
            form=form,
        )
        if outcome.ok:
            fallback = url_for("community.show", slug=community.slug)
            return redirect(safe_redirect_target(request.form.get("next"), fallback))
    return render_template(
        "conversations/moderation/report.html",
        community=community, item=item, kind=kind, form=form,
        next=safe_redirect_target(request.values.get("next"), ""),
    ), 400 if form.errors else 200  # fmt: skip


# --- the leaders' decisions ---------------------------------------------------------------


def _decide(slug: str, kind: str, item_id: int, action: str | None = None):
    """The community (its leaders and admins only) and its item, checked for `action`."""
    community = load_community(slug, "conversations.moderate")
    item = _load_item(community, kind, item_id)
    if action:
        require(action, item)
    return community, item


@bp.post(f"/communities/<slug>/moderation/<{ITEM_KINDS}:kind>/<int:item_id>/approve")
def approve(slug: str, kind: str, item_id: int):
    community, item = _decide(slug, kind, item_id)
    commands.run(lambda: decisions.approve(current_user, item), done=_("Approved."))
    return redirect(_back(community))


@bp.post(f"/communities/<slug>/moderation/<{ITEM_KINDS}:kind>/<int:item_id>/hide")
def hide(slug: str, kind: str, item_id: int):
    community, item = _decide(slug, kind, item_id)
    commands.run(lambda: decisions.hide(current_user, item), done=_("Hidden."))
    return redirect(_back(community))


@bp.post(f"/communities/<slug>/moderation/<{ITEM_KINDS}:kind>/<int:item_id>/restore")
def restore(slug: str, kind: str, item_id: int):
    community, item = _decide(slug, kind, item_id)
    commands.run(lambda: decisions.restore(current_user, item), done=_("Restored."))
    return redirect(_back(community))


@bp.route(
    f"/communities/<slug>/moderation/<{ITEM_KINDS}:kind>/<int:item_id>/reject",
    methods=["GET", "POST"],
)
def reject(slug: str, kind: str, item_id: int):
    """Ask for the reason (the author reads it), then reject: a page, so no script is needed
    to confirm."""
    community, item = _decide(slug, kind, item_id)
    form = RejectForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: decisions.reject(current_user, item, form.reason.data),
            done=_("Rejected; the author is told why."),
            form=form,
        )
        if outcome.ok:
            return redirect(_back(community))
    return _confirm_page(community, item, kind, form, "reject")


@bp.route(
    f"/communities/<slug>/moderation/<{ITEM_KINDS}:kind>/<int:item_id>/spam",
    methods=["GET", "POST"],
)
def remove_as_spam(slug: str, kind: str, item_id: int):
    """Confirm, then remove everything the author wrote in the community and stop them
    posting there; admins may also deactivate the account."""
    community, item = _decide(slug, kind, item_id)
    if refusal := why_not_remove_as_spam(current_user, item):
        forbidden(refusal)
    form = SpamForm()
    may_deactivate = can(current_user, "conversations.deactivate_spammer", item)
    if not may_deactivate:
        del form.deactivate
    if form.validate_on_submit():
        deactivate = may_deactivate and bool(form.deactivate.data)
        outcome = commands.run(
            lambda: decisions.remove_as_spam(current_user, item, deactivate=deactivate),
            done=lambda count: ngettext(
                "Removed as spam: %(num)d post or reply; %(name)s can no longer post here.",
                "Removed as spam: %(num)d posts and replies; %(name)s can no longer post here.",
                count, name=item.author.display_name),
            form=form,
        )  # fmt: skip
        if outcome.ok:
            return redirect(_back(community))
    return _confirm_page(community, item, kind, form, "spam")


def _confirm_page(community, item, kind: str, form, decision: str):
    return render_template(
        "conversations/moderation/confirm.html",
        community=community, item=item, kind=kind, form=form, decision=decision,
        history=queue.history_of(item.author_id, community.id),
        next=safe_redirect_target(request.values.get("next"), ""),
    ), 400 if form.errors else 200  # fmt: skip
