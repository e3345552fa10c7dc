"""The promotion request form: a new request for an event, initiative or achievement,
and editing a draft (or a request SMM sent back)."""

from dataclasses import asdict

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import commands
from core.limits import accepts_files
from core.models import utcnow
from core.permissions import require
from promotions import assets, channel_list, filing, references, services
from promotions.forms import BriefForm
from promotions.models import (
    Audience,
    Channel,
    Currency,
    Objective,
    ReportFrequency,
)
from promotions.subjects import kind_label, load_subject, subject_day
from promotions.views import bp, load_brief


def _form_data(fields: filing.BriefFields) -> dict:
    data = asdict(fields)
    data["channels"] = [c.id for c in fields.channels or []]
    for name in ("objective", "audience", "currency", "report_frequency"):
        data[name] = data[name].value if data[name] is not None else ""
    return data


def _enum_or_none(cls, value):
    return cls(value) if value else None


def _fields_from(form: BriefForm, channels: list[Channel]) -> filing.BriefFields:
    by_id = {c.id: c for c in channels}
    return filing.BriefFields(
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
        content = storage.stream.read(assets.MAX_ASSET_BYTES + 1)
        problem = assets.asset_problem(storage.filename, len(content))
        if problem:
            form.assets.errors.append(problem)
        else:
            files.append((storage.filename, content))
    return files


def _check_brief_form(form: BriefForm, channels, event_day):
    """Validate the form; a submission must also be complete. Returns (fields, uploads),
    or None when something is wrong."""
    valid = form.validate()
    uploads = _uploads(form)
    if not valid:
        return None
    fields = _fields_from(form, channels)
    problems = filing.date_problems(fields, event_day, utcnow().date())
    if form.submit.data:
        problems = {**filing.missing_for_submission(fields), **problems}
    for name, message in problems.items():
        getattr(form, name).errors.append(message)
    if any(field.errors for field in form):
        return None
    return fields, uploads


def _saved(form: BriefForm) -> str:
    if form.submit.data:
        return _("Sent to SMM. You will be notified when they answer.")
    return _("Draft saved.")


def _chosen_objective(form: BriefForm) -> Objective | None:
    """The objective picked in the form (pre-filled or sent), if it is one."""
    value = form.objective.data or ""
    return Objective(value) if value in Objective._value2member_map_ else None


def _render_form(form, subject_title, channels, brief=None, community=None, starts_at=None):
    failed = request.method == "POST"  # a saved form has redirected already
    return render_template(
        "promotions/form.html",
        form=form,
        starts_at=starts_at or (brief.subject_starts_at if brief else None),
        brief=brief,
        community=community or brief.community,
        subject_title=subject_title,
        channels=channels,
        reference_groups=references.reference_groups(current_user, _chosen_objective(form)),
    ), (400 if failed else 200)


@bp.route("/new/<kind>/<int:ref>", methods=["GET", "POST"])
@accepts_files()
def new(kind: str, ref: int):
    require("site.browse")
    subject = load_subject(kind, ref)
    if subject is None:
        abort(404)
    require(subject.view_action, subject.view_object, hide=True)
    require("promotions.request", subject.community)
    channels = channel_list.active_channels()
    form = _brief_form(channels, _form_data(filing.suggested_fields(subject)))
    if request.method == "POST":
        checked = _check_brief_form(form, channels, subject.day)
        if checked is not None:
            fields, uploads = checked
            outcome = commands.run(
                lambda: services.file_request(
                    current_user, subject, fields, uploads, submit=form.submit.data
                ),
                done=_saved(form),
                form=form,
            )
            if outcome.ok:
                return redirect(url_for("promotions.show", brief_id=outcome.value.id))
    label = subject.title or kind_label(kind)
    return _render_form(
        form, label, channels, community=subject.community, starts_at=subject.starts_at
    )


@bp.route("/<int:brief_id>/edit", methods=["GET", "POST"])
@accepts_files()
def edit(brief_id: int):
    brief = load_brief(brief_id, "promotions.edit")
    channels = channel_list.active_channels()
    channels += [c for c in brief.channels if c not in channels]
    form = _brief_form(channels, _form_data(filing.fields_of(brief)))
    if request.method == "POST":
        event_day = subject_day(brief.subject_kind, brief.subject_id, brief.subject_starts_at)
        checked = _check_brief_form(form, channels, event_day)
        if checked is not None:
            fields, uploads = checked
            outcome = commands.run(
                lambda: services.save_request(
                    current_user, brief.id, fields, uploads, submit=form.submit.data
                ),
                done=_saved(form),
                form=form,
            )
            if outcome.ok:
                return redirect(url_for("promotions.show", brief_id=brief.id))
    return _render_form(form, brief.title, channels, brief=brief)
