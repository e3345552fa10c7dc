"""Promotion pages: the request form, the brief, the SMM queue, the content calendar."""

import io
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from community.views import register_community_section
from core import commands
from core.bounds import query_day, query_int
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.limits import accepts_files
from core.models import utcnow
from core.navigation import add_nav_item
from core.paging import page_of_ids
from core.permissions import can, is_smm, require, requires
from promotions import permissions, results, services
from promotions.forms import (
    BriefForm,
    ChannelForm,
    ChannelRequirementsForm,
    CommentForm,
    PlannedPostForm,
    PublicationForm,
    ReasonForm,
    ReportForm,
)
from promotions.models import (
    Audience,
    BriefAsset,
    BriefStatus,
    Channel,
    Currency,
    Objective,
    PlannedPost,
    PostFormat,
    PromotionRequest,
    ReportFrequency,
)
from promotions.subjects import kind_label, load_subject, subject_day, subject_kinds
from promotions.workflow import (
    COMMUNITY,
    SMM,
    STATUS_LABELS,
    buttons_from,
    transition_for,
)

bp = Blueprint("promotions", __name__, url_prefix="/promotions")


BELL = Markup(
    '<svg aria-hidden="true" width="18" height="18" viewBox="0 0 16 16" fill="currentColor">'
    '<path d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2zm.995-14.901a1 1 0 1 0-1.99 0A5.002 5.002 0 0 0 '
    '3 6c0 1.098-.5 6-2 7h14c-1.5-1-2-5.902-2-7 0-2.42-1.72-4.44-4.005-4.901z"/></svg>'
)


class _NotificationsLabel:
    """The bell in the main menu; the unread count is read when the menu is drawn."""

    def __html__(self) -> str:
        count = _unread_for_menu()
        badge = (
            Markup(' <span class="badge text-bg-warning">{}</span>').format(count) if count else ""
        )
        return Markup('{}<span class="visually-hidden">{}</span>{}').format(
            BELL, _("Notifications"), badge
        )

    def __str__(self) -> str:
        return str(self.__html__())


def _unread_for_menu() -> int:
    return permissions.menu_facts(current_user)[1]


add_nav_item("promotions.queue", _l("Promotions"), "promotions.menu", 40)
add_nav_item("promotions.calendar", _l("Calendar"), "promotions.plan", 45)
add_nav_item("promotions.notifications", _NotificationsLabel(), "promotions.menu", 90)


def _community_section(community, user) -> dict:
    return {"community": community}


register_community_section("promotions/_community_section.html", _community_section)


@bp.app_template_global()
def promotion_request_url(kind: str, thing) -> str | None:
    """For pages of lower features (an event, an initiative): the "New promotion
    request" address when the viewer may file one for `thing`, else None."""
    if kind not in subject_kinds() or not can(current_user, "promotions.request", thing.community):
        return None
    return url_for("promotions.new", kind=kind, ref=thing.id)


@bp.app_template_global()
def brief_status_label(status) -> str:
    return str(STATUS_LABELS[BriefStatus(status)])


@bp.app_template_global()
def subject_kind_label(kind: str) -> str:
    return str(kind_label(kind))


# --- loading ----------------------------------------------------------------------


def load_brief(brief_id: int, action: str = "promotions.view", page: tuple = ()):
    """The brief, once the current user may see it (404 otherwise) and do `action` (403).

    `page`: what a page shows of it, loaded with it (services.BRIEF_PAGE, OUTCOME_PAGE)."""
    require("site.browse")
    if page:
        brief = services.load_brief_for_page(brief_id, page)
    else:
        brief = db.session.get(PromotionRequest, brief_id)
    if brief is None:
        abort(404)
    require("promotions.view", brief, hide=True)
    if action != "promotions.view":
        require(action, brief)
    return brief


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))


# --- the request form -----------------------------------------------------------------


def _form_data(fields: services.BriefFields) -> dict:
    data = asdict(fields)
    data["channels"] = [c.id for c in fields.channels or []]
    for name in ("objective", "audience", "currency", "report_frequency"):
        data[name] = data[name].value if data[name] is not None else ""
    return data


def _enum_or_none(cls, value):
    return cls(value) if value else None


def _fields_from(form: BriefForm, channels: list[Channel]) -> services.BriefFields:
    by_id = {c.id: c for c in channels}
    return services.BriefFields(
        title=form.title.data or "",
        objective=_enum_or_none(Objective, form.objective.data),
        target=form.target.data,
        key_message=form.key_message.data or "",
        audience=_enum_or_none(Audience, form.audience.data),
        channels=[by_id[i] for i in form.channels.data or [] if i in by_id],
        content_deadline=form.content_deadline.data,
        publish_from=form.publish_from.data,
        publish_until=form.publish_until.data,
        ad_budget=form.ad_budget.data,
        currency=Currency(form.currency.data or Currency.UAH.value),
        references=form.references.data or "",
        backup_plan=form.backup_plan.data or "",
        report_format=form.report_format.data or "",
        report_frequency=_enum_or_none(ReportFrequency, form.report_frequency.data),
    )


def _brief_form(channels: list[Channel], data: dict | None) -> BriefForm:
    form = BriefForm(data=data) if request.method == "GET" else BriefForm()
    form.channels.choices = [(c.id, c.name) for c in channels]
    return form


def _uploads(form: BriefForm) -> list[tuple[str, bytes]]:
    """The files sent with the form, read up to the size limit; problems go beside the field."""
    files = []
    for storage in form.assets.data or []:
        if not getattr(storage, "filename", ""):
            continue
        content = storage.stream.read(services.MAX_ASSET_BYTES + 1)
        problem = services.asset_problem(storage.filename, len(content))
        if problem:
            form.assets.errors.append(problem)
        else:
            files.append((storage.filename, content))
    return files


def _check_brief_form(form: BriefForm, channels, event_day) -> services.BriefFields | None:
    """Validate the form; a submission must also be complete. None when something is wrong."""
    valid = form.validate()
    uploads = _uploads(form)
    if not valid:
        return None
    fields = _fields_from(form, channels)
    problems = services.date_problems(fields, event_day, utcnow().date())
    if form.submit.data:
        problems = {**services.missing_for_submission(fields), **problems}
    for name, message in problems.items():
        getattr(form, name).errors.append(message)
    if any(field.errors for field in form):
        return None
    fields.uploads = uploads
    return fields


def _save_and_maybe_submit(brief: PromotionRequest, form: BriefForm, fields) -> Response | None:
    for filename, content in fields.uploads:
        services.add_asset(current_user, brief, filename, content)
    if form.submit.data:
        services.submit(current_user, brief)
    db.session.commit()
    if form.submit.data:
        flash(_("Sent to SMM. You will be notified when they answer."), "success")
    else:
        flash(_("Draft saved."), "success")
    return redirect(url_for("promotions.show", brief_id=brief.id))


def _chosen_objective(form: BriefForm) -> Objective | None:
    """The objective picked in the form (pre-filled or sent), if it is one."""
    value = form.objective.data or ""
    return Objective(value) if value in Objective._value2member_map_ else None


def _render_form(form, subject_title, channels, brief=None, community=None, starts_at=None):
    return render_template(
        "promotions/form.html",
        form=form,
        starts_at=starts_at or (brief.subject_starts_at if brief else None),
        brief=brief,
        community=community or brief.community,
        subject_title=subject_title,
        channels=channels,
        reference_groups=results.reference_groups(current_user, _chosen_objective(form)),
    ), (400 if any(field.errors for field in form) else 200)


@bp.route("/new/<kind>/<int:ref>", methods=["GET", "POST"])
@accepts_files()
def new(kind: str, ref: int):
    require("site.browse")
    subject = load_subject(kind, ref)
    if subject is None:
        abort(404)
    require(subject.view_action, subject.view_object, hide=True)
    require("promotions.request", subject.community)
    channels = services.active_channels()
    form = _brief_form(channels, _form_data(services.suggested_fields(subject)))
    if request.method == "POST":
        fields = _check_brief_form(form, channels, subject.day)
        if fields is not None:
            try:
                brief = services.create_request(current_user, subject, fields)
                return _save_and_maybe_submit(brief, form, fields)
            except DomainError as error:
                db.session.rollback()
                form.title.errors.append(error.message)
    label = subject.title or kind_label(kind)
    return _render_form(
        form, label, channels, community=subject.community, starts_at=subject.starts_at
    )


@bp.route("/<int:brief_id>/edit", methods=["GET", "POST"])
@accepts_files()
def edit(brief_id: int):
    brief = load_brief(brief_id, "promotions.edit")
    channels = services.active_channels()
    channels += [c for c in brief.channels if c not in channels]
    form = _brief_form(channels, _form_data(services.fields_of(brief)))
    if request.method == "POST":
        event_day = subject_day(brief.subject_kind, brief.subject_id, brief.subject_starts_at)
        fields = _check_brief_form(form, channels, event_day)
        if fields is not None:
            try:
                services.update_request(current_user, brief, fields)
                return _save_and_maybe_submit(brief, form, fields)
            except DomainError as error:
                db.session.rollback()
                form.title.errors.append(error.message)
    return _render_form(form, brief.title, channels, brief=brief)


# --- the brief ------------------------------------------------------------------------


def _render_brief(brief: PromotionRequest, status: int = 200, **forms):
    subject = load_subject(brief.subject_kind, brief.subject_id)
    plan = can(current_user, "promotions.plan_posts", brief)
    post_form = forms.get("post_form") or (PlannedPostForm(formdata=None) if plan else None)
    if post_form is not None:
        channels = brief.channels or services.active_channels()
        post_form.channel.choices = [(c.id, c.name) for c in channels]
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
        deadline_state=services.deadline_state(brief, utcnow().date()),
    ), status


@bp.route("/<int:brief_id>")
def show(brief_id: int):
    return _render_brief(load_brief(brief_id, page=services.BRIEF_PAGE))


@bp.route("/<int:brief_id>/brief.md")
def markdown(brief_id: int):
    brief = load_brief(brief_id, page=services.BRIEF_PAGE)
    subject = load_subject(brief.subject_kind, brief.subject_id)
    body = render_template("promotions/brief.md", brief=brief, subject=subject)
    return Response(
        body,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="brief-{brief.id}.md"'},
    )


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
            return _render_brief(
                load_brief(brief_id, page=services.BRIEF_PAGE), 400, reason_form=form
            )
        reason = form.reason.data
    brief = lock_row(PromotionRequest, brief.id)  # two SMM people pressing at once
    try:
        services.transition(current_user, brief, BriefStatus(target), reason)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("promotions.show", brief_id=brief_id))
    db.session.commit()
    flash(_("The brief is now: %(status)s.", status=STATUS_LABELS[brief.status]), "success")
    return redirect(url_for("promotions.show", brief_id=brief.id))


@bp.post("/<int:brief_id>/report")
def report(brief_id: int):
    brief = load_brief(brief_id, "promotions.smm_side")
    form = ReportForm()
    if not form.validate():
        return _render_brief(load_brief(brief_id, page=services.BRIEF_PAGE), 400, report_form=form)
    brief = lock_row(PromotionRequest, brief.id)
    reported = commands.run(
        lambda: results.report_results(
            current_user, brief, form.report.data, form.lessons.data or ""
        ),
        done=_("Results reported; the brief is closed."),
    ).ok
    if reported:
        return redirect(url_for("promotions.final_report", brief_id=brief_id))
    return redirect(url_for("promotions.show", brief_id=brief_id))


@bp.post("/<int:brief_id>/comments")
def comment(brief_id: int):
    brief = load_brief(brief_id)
    form = CommentForm()
    if not form.validate():
        return _render_brief(load_brief(brief_id, page=services.BRIEF_PAGE), 400, comment_form=form)
    services.add_comment(current_user, brief, form.body.data)
    db.session.commit()
    flash(_("Comment added."), "success")
    return redirect(url_for("promotions.show", brief_id=brief.id) + "#comments")


def _load_asset(brief: PromotionRequest, asset_id: int) -> BriefAsset:
    asset = db.get_or_404(BriefAsset, asset_id)
    if asset.request_id != brief.id:
        abort(404)
    return asset


@bp.route("/<int:brief_id>/assets/<int:asset_id>")
def asset(brief_id: int, asset_id: int):
    asset = _load_asset(load_brief(brief_id), asset_id)
    path = services.asset_path(asset)
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


@bp.post("/<int:brief_id>/assets/<int:asset_id>/delete")
def remove_asset(brief_id: int, asset_id: int):
    brief = load_brief(brief_id, "promotions.edit")
    services.remove_asset(brief, _load_asset(brief, asset_id))
    db.session.commit()
    flash(_("File removed."), "success")
    return redirect(url_for("promotions.show", brief_id=brief.id))


# --- planned posts ---------------------------------------------------------------------


@bp.post("/<int:brief_id>/posts")
def add_post(brief_id: int):
    brief = load_brief(brief_id, "promotions.plan_posts")
    form = PlannedPostForm()
    channels = brief.channels or services.active_channels()
    form.channel.choices = [(c.id, c.name) for c in channels]
    if not form.validate():
        return _render_brief(load_brief(brief_id, page=services.BRIEF_PAGE), 400, post_form=form)
    channel = next(c for c in channels if c.id == form.channel.data)
    scheduled_at = form.scheduled_at.data.replace(tzinfo=_zone())
    brief = lock_row(PromotionRequest, brief.id)
    try:
        services.add_planned_post(
            current_user, brief, channel, PostFormat(form.format.data), scheduled_at,
            form.notes.data or "",
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("promotions.show", brief_id=brief_id))
    db.session.commit()
    flash(_("Planned post added."), "success")
    return redirect(url_for("promotions.show", brief_id=brief.id) + "#posts")


def _load_post(brief: PromotionRequest, post_id: int) -> PlannedPost:
    post = db.get_or_404(PlannedPost, post_id)
    if post.request_id != brief.id:
        abort(404)
    return post


@bp.route("/<int:brief_id>/posts/<int:post_id>", methods=["GET", "POST"])
def publication(brief_id: int, post_id: int):
    brief = load_brief(brief_id, "promotions.smm_side")
    post = _load_post(brief, post_id)
    form = PublicationForm(obj=post)
    if form.validate_on_submit():
        try:
            services.record_publication(
                current_user, post, form.published_url.data, form.reach.data,
                form.reactions.data, form.clicks.data,
            )  # fmt: skip
        except DomainError as error:
            db.session.rollback()
            form.published_url.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Publication recorded."), "success")
            return redirect(url_for("promotions.show", brief_id=brief.id) + "#posts")
    return render_template("promotions/publication.html", brief=brief, post=post, form=form), (
        400 if form.errors else 200
    )


# --- the queue and the calendar ----------------------------------------------------------


@bp.route("/")
@requires("promotions.browse")
def queue():
    status = request.args.get("status", "")
    status = BriefStatus(status) if status in BriefStatus._value2member_map_ else None
    community_id = query_int("community")
    due = request.args.get("due") if request.args.get("due") in ("overdue", "week") else None
    today = utcnow().date()
    page = page_of_ids(
        services.queue_query(current_user, status, community_id, due, today),
        30, PromotionRequest, *services.QUEUE_ROW,
    )  # fmt: skip
    return render_template(
        "promotions/queue.html",
        page=page,
        today=today,
        status=status,
        community_id=community_id,
        due=due,
        communities=services.queue_communities(current_user),
        statuses=list(BriefStatus),
        deadline_state=services.deadline_state,
    )


def _calendar_range(view: str, anchor: date) -> tuple[date, date, date, date]:
    """(first shown day, day after the last, previous anchor, next anchor)."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        start = first - timedelta(days=first.weekday())
        last = following - timedelta(days=1)
        end = last + timedelta(days=7 - last.weekday())
        previous = (first - timedelta(days=1)).replace(day=1)
        return start, end, previous, following
    start = anchor - timedelta(days=anchor.weekday())
    return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)


@bp.route("/calendar")
@requires("promotions.browse")
def calendar():
    view = "month" if request.args.get("view") == "month" else "week"
    # A day outside the site's window (year 1, say) would overflow the week's arithmetic.
    anchor = query_day("start") or utcnow().astimezone(_zone()).date()
    channel_id = query_int("channel")
    start, end, previous, following = _calendar_range(view, anchor)
    zone = _zone()
    posts = services.calendar_posts(
        datetime.combine(start, time(), zone), datetime.combine(end, time(), zone), channel_id
    )
    by_day: dict[date, list[PlannedPost]] = {}
    for post in posts:
        by_day.setdefault(post.scheduled_at.astimezone(zone).date(), []).append(post)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    visible = None if is_smm(current_user) else set(services.led_community_ids(current_user))
    return render_template(
        "promotions/calendar.html",
        view=view,
        anchor=anchor,
        weeks=[days[i : i + 7] for i in range(0, len(days), 7)],
        by_day=by_day,
        previous=previous,
        following=following,
        channels=services.all_channels(),
        channel_id=channel_id,
        visible=visible,
        zone=zone,
        today=utcnow().astimezone(zone).date(),
    )


# --- notifications ----------------------------------------------------------------------


@bp.route("/notifications")
@requires("promotions.browse")
def notifications():
    permissions.forget_menu_facts()
    return render_template(
        "promotions/notifications.html",
        notifications=services.notifications_for(current_user),
    )


@bp.post("/notifications/read")
@requires("promotions.browse")
def mark_read():
    services.mark_all_read(current_user)
    db.session.commit()
    permissions.forget_menu_facts()
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("promotions.notifications"))


# --- channels ---------------------------------------------------------------------------


@bp.route("/channels", methods=["GET", "POST"])
@requires("promotions.plan")
def channels():
    form = ChannelForm() if can(current_user, "promotions.manage_channels") else None
    if request.method == "POST":
        require("promotions.manage_channels")
        if form.validate():
            try:
                services.add_channel(
                    form.name.data, form.requirements.data or "", form.position.data
                )
            except DomainError as error:
                db.session.rollback()
                form.name.errors.append(error.message)
            else:
                db.session.commit()
                flash(_("Channel added."), "success")
                return redirect(url_for("promotions.channels"))
    return render_template(
        "promotions/channels.html", channels=services.all_channels(), form=form
    ), (400 if form is not None and form.errors else 200)


@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
@requires("promotions.plan")
def edit_channel(channel_id: int):
    channel = db.get_or_404(Channel, channel_id)
    admin = can(current_user, "promotions.manage_channels")
    form = (ChannelForm if admin else ChannelRequirementsForm)(obj=channel)
    if form.validate_on_submit():
        changes = {"requirements": form.requirements.data or ""}
        if admin:
            changes.update(
                name=form.name.data, position=form.position.data, active=form.active.data
            )
        try:
            services.update_channel(channel, **changes)
        except DomainError as error:
            db.session.rollback()
            form.requirements.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Channel saved."), "success")
            return redirect(url_for("promotions.channels"))
    return render_template("promotions/channel_form.html", channel=channel, form=form), (
        400 if form.errors else 200
    )
