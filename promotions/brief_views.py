"""A brief's page: reading it, moving it through the workflow, comments, files, the
planned posts and their publication, and SMM's report."""

import io

from flask import Response, abort, redirect, render_template, request, send_file, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from core import commands
from core.confirm import ask_first, confirmed
from core.extensions import db
from core.models import utcnow
from core.permissions import can, require
from core.zones import site_zone
from promotions import assets, channel_list, links, queries, results, services
from promotions.forms import (
    CommentForm,
    PlannedPostForm,
    PublicationForm,
    ReasonForm,
    ReportForm,
)
from promotions.models import BriefAsset, BriefStatus, PostFormat, PromotionRequest
from promotions.subjects import load_subject
from promotions.views import bp, load_brief, load_post
from promotions.workflow import COMMUNITY, SMM, STATUS_LABELS, buttons_from, transition_for


def _render_brief(brief: PromotionRequest, status: int = 200, **forms):
    subject = load_subject(brief.subject_kind, brief.subject_id)
    plan = can(current_user, "promotions.plan_posts", brief)
    post_form = forms.get("post_form") or (_post_form(brief, formdata=None) if plan else None)
    smm = can(current_user, "promotions.smm_side", brief)
    community_side = can(current_user, "promotions.community_side", brief)
    return render_template(
        "promotions/show.html",
        brief=brief,
        subject=subject,
        today=utcnow().date(),
        smm_side=smm,
        smm_buttons=buttons_from(brief.status, SMM) if smm else [],
        community_buttons=buttons_from(brief.status, COMMUNITY) if community_side else [],
        can_edit=can(current_user, "promotions.edit", brief),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        report_form=forms.get("report_form") or ReportForm(formdata=None),
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        post_form=post_form,
        deadline_state=queries.deadline_state(brief, utcnow().date()),
        sign_in_hint=links.outsiders_meet_sign_in(brief),
    ), status


def _page(brief_id: int) -> PromotionRequest:
    return load_brief(brief_id, page=queries.BRIEF_PAGE)


@bp.route("/<int:brief_id>")
def show(brief_id: int):
    return _render_brief(_page(brief_id))


@bp.route("/<int:brief_id>/brief.md")
def markdown(brief_id: int):
    brief = _page(brief_id)
    subject = load_subject(brief.subject_kind, brief.subject_id)
    body = render_template("promotions/brief.md", brief=brief, subject=subject)
    return Response(
        body,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="brief-{brief.id}.md"'},
    )


def _now_is(brief: PromotionRequest) -> str:
    return _("The brief is now: %(status)s.", status=STATUS_LABELS[brief.status])


@bp.post("/<int:brief_id>/status")
def change_status(brief_id: int):
    brief = load_brief(brief_id)
    target = request.form.get("to", "")
    if target not in BriefStatus._value2member_map_:
        abort(400)
    step = transition_for(brief.status, BriefStatus(target))
    if step is not None:
        require(f"promotions.{step.side}_side", brief)
    reason = ""
    if step is not None and step.needs_reason:
        form = ReasonForm()
        if not form.validate():
            return _render_brief(_page(brief_id), 400, reason_form=form)
        reason = form.reason.data
        if step.target == BriefStatus.DECLINED and not confirmed():
            return ask_first(
                _("Decline “%(title)s”?", title=brief.title or _("Untitled request")),
                detail=_("The community is told why; a declined brief cannot be reopened."),
                button=_("Decline"),
                cancel=url_for("promotions.show", brief_id=brief_id),
                carry=True,
            )
    commands.run(
        lambda: services.transition(current_user, brief, BriefStatus(target), reason),
        done=_now_is,
    )
    return redirect(url_for("promotions.show", brief_id=brief_id))


@bp.post("/<int:brief_id>/report")
def report(brief_id: int):
    brief = load_brief(brief_id, "promotions.smm_side")
    form = ReportForm()
    if not form.validate():
        return _render_brief(_page(brief_id), 400, report_form=form)
    today = utcnow().astimezone(site_zone()).date()
    if brief.publish_until and today <= brief.publish_until and not confirmed():
        return ask_first(
            _("Report results before the publication window ends?"),
            detail=_(
                "The window runs until %(day)s. Reporting now takes today's figures and"
                " closes the brief; later visits and sign-ups are not counted.",
                day=format_date(brief.publish_until, "long"),
            ),
            button=_("Report results"),
            cancel=url_for("promotions.show", brief_id=brief_id),
            carry=True,
        )
    outcome = commands.run(
        lambda: results.report_results(
            current_user, brief, form.report.data, form.lessons.data or ""
        ),
        done=_("Results reported; the brief is closed."),
    )
    if outcome.ok:
        return redirect(url_for("promotions.final_report", brief_id=brief_id))
    return redirect(url_for("promotions.show", brief_id=brief_id))


@bp.post("/<int:brief_id>/comments")
def comment(brief_id: int):
    brief = load_brief(brief_id)
    form = CommentForm()
    if not form.validate():
        return _render_brief(_page(brief_id), 400, comment_form=form)
    commands.run(
        lambda: services.add_comment(current_user, brief, form.body.data),
        done=_("Comment added."),
    )
    return redirect(url_for("promotions.show", brief_id=brief_id) + "#comments")


def _load_asset(brief: PromotionRequest, asset_id: int) -> BriefAsset:
    asset = db.get_or_404(BriefAsset, asset_id)
    if asset.request_id != brief.id:
        abort(404)
    return asset


@bp.route("/<int:brief_id>/assets/<int:asset_id>")
def asset(brief_id: int, asset_id: int):
    asset = _load_asset(load_brief(brief_id), asset_id)
    path = assets.asset_path(asset)
    if not path.is_file():
        abort(404)
    # Read whole (files are small) so no file handle outlives the response.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=asset.content_type,
        as_attachment=True,
        # Stored names are printable since add_asset; older rows may not be.
        download_name="".join(c for c in asset.filename if c.isprintable()) or "file",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<int:brief_id>/assets/<int:asset_id>/delete", methods=["GET", "POST"])
def remove_asset(brief_id: int, asset_id: int):
    brief = load_brief(brief_id, "promotions.edit")
    asset = _load_asset(brief, asset_id)
    if request.method == "GET":
        return ask_first(
            _("Remove %(name)s?", name=asset.filename),
            button=_("Remove file"),
            cancel=url_for("promotions.show", brief_id=brief_id),
        )
    commands.run(lambda: assets.remove_asset(brief, asset), done=_("File removed."))
    return redirect(url_for("promotions.show", brief_id=brief_id))


# --- planned posts ---------------------------------------------------------------------


def _post_form(brief: PromotionRequest, **kwargs) -> PlannedPostForm:
    form = PlannedPostForm(**kwargs)
    form.set_channels(brief.channels or channel_list.active_channels())
    return form


def _planned(form: PlannedPostForm) -> dict:
    """The form's post, as the services take it: the time in the site's zone."""
    return {
        "channel": form.chosen_channel(),
        "format": PostFormat(form.format.data),
        "scheduled_at": form.scheduled_at.data.replace(tzinfo=site_zone()),
        "notes": form.notes.data or "",
    }


@bp.post("/<int:brief_id>/posts")
def add_post(brief_id: int):
    brief = load_brief(brief_id, "promotions.plan_posts")
    form = _post_form(brief)
    if form.validate():
        outcome = commands.run(
            lambda: services.add_planned_post(current_user, brief, **_planned(form)),
            done=_("Planned post added."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("promotions.show", brief_id=brief_id) + "#posts")
    return _render_brief(_page(brief_id), 400, post_form=form)


@bp.route("/<int:brief_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(brief_id: int, post_id: int):
    brief = load_brief(brief_id, "promotions.plan_posts")
    post = load_post(brief, post_id)
    form = _post_form(brief, obj=None if request.method == "POST" else post)
    if request.method == "GET":
        form.channel.data = post.channel_id
        form.scheduled_at.data = post.scheduled_at.astimezone(site_zone()).replace(tzinfo=None)
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.update_planned_post(current_user, post, **_planned(form)),
            done=_("Planned post changed."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("promotions.show", brief_id=brief_id) + "#posts")
    page = render_template("promotions/planned_post.html", brief=brief, post=post, form=form)
    return page, 400 if request.method == "POST" else 200  # here after a POST: refused


@bp.route("/<int:brief_id>/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(brief_id: int, post_id: int):
    """Asks first (a page, so it works without scripts), then deletes on POST."""
    brief = load_brief(brief_id, "promotions.plan_posts")
    post = load_post(brief, post_id)
    if request.method == "POST":
        commands.run(
            lambda: services.delete_planned_post(current_user, post),
            done=_("Planned post deleted."),
        )
        return redirect(url_for("promotions.show", brief_id=brief_id) + "#posts")
    return render_template("promotions/delete_planned_post.html", brief=brief, post=post)


@bp.route("/<int:brief_id>/posts/<int:post_id>", methods=["GET", "POST"])
def publication(brief_id: int, post_id: int):
    brief = load_brief(brief_id, "promotions.smm_side")
    post = load_post(brief, post_id)
    form = PublicationForm(obj=post)
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.record_publication(
                current_user, post, form.published_url.data, form.reach.data,
                form.reactions.data, form.clicks.data,
            ),
            done=_("Publication recorded."),
            form=form,
        )  # fmt: skip
        if outcome.ok:
            return redirect(url_for("promotions.show", brief_id=brief_id) + "#posts")
    return render_template("promotions/publication.html", brief=brief, post=post, form=form), (
        400 if form.errors else 200
    )
