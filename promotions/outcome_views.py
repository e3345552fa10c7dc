"""A brief's outcome: live figures, the backup-plan checklist, tracked links, final report."""

from datetime import date

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import commands
from core.charts import line_chart
from core.permissions import can
from core.spreadsheets import csv_response
from promotions import backup_plan, links, outcome_figures, outcomes, queries
from promotions.forms import FORMAT_CHOICES, FREQUENCY_CHOICES, BackupStepForm, TrackedLinkForm
from promotions.models import PromotionRequest
from promotions.views import bp, load_brief, load_post

STATE_LABELS = {
    outcomes.NO_TARGET: _l("No target set"),
    outcomes.NOT_STARTED: _l("Not started"),
    outcomes.ON_TRACK: _l("On track"),
    outcomes.AT_RISK: _l("At risk"),
    outcomes.MET: _l("Target met"),
    outcomes.MISSED: _l("Target missed"),
}
OBJECTIVE_UNITS = {
    "registrations": _l("registrations"),
    "leads": _l("leads"),
    "page_visits": _l("page visits"),
    "group_members": _l("new group members"),
}


@bp.app_template_global()
def outcome_state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


FORMAT_LABELS = {choice.value: choice.label for choice in FORMAT_CHOICES}
FREQUENCY_LABELS = {choice.value: choice.label for choice in FREQUENCY_CHOICES if choice.value}


@bp.app_template_global()
def post_format_label(post_format) -> str:
    value = getattr(post_format, "value", post_format)
    return str(FORMAT_LABELS.get(value, value))


@bp.app_template_global()
def report_frequency_label(frequency) -> str:
    value = getattr(frequency, "value", frequency)
    return str(FREQUENCY_LABELS.get(value, "")) if value else ""


@bp.app_template_filter("iso_day")
def iso_day(value: str) -> date:
    """A day kept as text in the frozen figures, back as a date to format for the reader."""
    return date.fromisoformat(value[:10])


@bp.app_template_global()
def objective_unit(objective) -> str:
    return str(OBJECTIVE_UNITS.get(getattr(objective, "value", objective), ""))


def _chart(outcome: outcome_figures.Outcome):
    labels = [format_date(day, "d MMM") for day in outcome.days]
    index = {day: i for i, day in enumerate(outcome.days)}

    def nearest(day):
        return index.get(
            day, min(range(len(outcome.days)), key=lambda i: abs(outcome.days[i] - day))
        )

    window = [(str(_("Publication window")), 0, nearest(outcome.end))]
    markers = [
        (f"{figures.post.channel.name} {format_date(figures.post.scheduled_at, 'd MMM')}",
         nearest(figures.post.scheduled_at.date()))
        for figures in outcome.posts
        if outcome.days[0] <= figures.post.scheduled_at.date() <= outcome.days[-1]
    ]  # fmt: skip
    guide = (str(_("Pace to the target")), outcome.target_by_day) if outcome.target_by_day else None
    title = _("Actual: %(unit)s", unit=objective_unit(outcome.brief.objective) or _("outcomes"))
    return line_chart(title, labels, outcome.actual_by_day, window, markers, guide)


def _render_outcome(brief: PromotionRequest, status: int = 200, errors: dict | None = None):
    """The outcome page; `errors` maps a form ("step-2", "link-7") to the message beside it.

    The pace shown is computed here; recording a fall and warning about it is the cron
    command's (`flask promotions check-at-risk`), so opening the page writes nothing."""
    figures = outcome_figures.brief_outcome(brief)
    follow_up = can(current_user, "promotions.follow_up", brief)
    plan = can(current_user, "promotions.plan_posts", brief)
    return render_template(
        "promotions/outcome.html",
        brief=brief,
        outcome=figures,
        chart=_chart(figures),
        checklist=backup_plan.checklist(brief),
        step_form=BackupStepForm(formdata=None) if follow_up else None,
        link_form=TrackedLinkForm(formdata=None) if plan else None,
        errors=errors or {},
        share_url=links.share_url,
        sign_in_hint=plan and links.outsiders_meet_sign_in(brief),
    ), status


@bp.route("/<int:brief_id>/outcome")
def outcome(brief_id: int):
    return _render_outcome(load_brief(brief_id, page=queries.OUTCOME_PAGE))


@bp.post("/<int:brief_id>/backup/<int:position>")
def tick_step(brief_id: int, position: int):
    brief = load_brief(brief_id, "promotions.follow_up")
    form = BackupStepForm()
    if not form.validate():
        errors = {f"step-{position}": form.note.errors[0]}
        return _render_outcome(load_brief(brief_id, page=queries.OUTCOME_PAGE), 400, errors)
    commands.run(
        lambda: backup_plan.tick_backup_step(current_user, brief, position, form.note.data),
        done=_("Backup step marked done."),
    )
    return redirect(url_for("promotions.outcome", brief_id=brief_id) + "#backup-plan")


@bp.post("/<int:brief_id>/backup/<int:position>/undo")
def untick_step(brief_id: int, position: int):
    brief = load_brief(brief_id, "promotions.follow_up")
    commands.run(
        lambda: backup_plan.untick_backup_step(current_user, brief, position),
        done=_("Backup step opened again."),
    )
    return redirect(url_for("promotions.outcome", brief_id=brief_id) + "#backup-plan")


@bp.post("/<int:brief_id>/posts/<int:post_id>/link")
def create_link(brief_id: int, post_id: int):
    brief = load_brief(brief_id, "promotions.plan_posts")
    post = load_post(brief, post_id)
    form = TrackedLinkForm()
    if form.validate():
        outcome = commands.run(
            lambda: links.create_link(current_user, post, form.target_path.data),
            done=_("Tracked link created."),
            form=form,  # a refusal goes beside the post's link form
        )
        if outcome.ok:
            return redirect(url_for("promotions.outcome", brief_id=brief_id) + "#posts")
    problem = next((error for field in form for error in field.errors), None)
    if problem is None:  # refused without a word for the form: shown at the top
        return redirect(url_for("promotions.outcome", brief_id=brief_id) + "#posts")
    return _render_outcome(
        load_brief(brief_id, page=queries.OUTCOME_PAGE), 400, {f"link-{post_id}": problem}
    )


# --- the final report ---------------------------------------------------------------


def _reported(brief_id: int) -> PromotionRequest:
    # The report lists the brief's posts and channels.
    brief = load_brief(brief_id, page=queries.BRIEF_PAGE)
    if brief.final_figures is None:
        abort(404)
    return brief


@bp.route("/<int:brief_id>/results")
def final_report(brief_id: int):
    brief = _reported(brief_id)
    return render_template("promotions/results.html", brief=brief, figures=brief.final_figures)


@bp.route("/<int:brief_id>/results.md")
def final_report_markdown(brief_id: int):
    brief = _reported(brief_id)
    body = render_template("promotions/results.md", brief=brief, figures=brief.final_figures)
    return Response(
        body,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="results-{brief.id}.md"'},
    )


def _blank(value) -> object:
    return "" if value is None else value


@bp.route("/<int:brief_id>/results.csv")
def final_report_csv(brief_id: int):
    brief = _reported(brief_id)
    figures = brief.final_figures
    header = [_("Line"), _("Clicks"), _("Visitors"), _("Registrations"), _("Leads"),
              _("Joined"), _("Outside participants")]  # fmt: skip

    def row(label, split):
        return [label, split["clicks"], split["visitors"], split["registrations"],
                split["leads"], split["joins"], split["participants"]]  # fmt: skip

    rows = [
        [_("Objective"), objective_unit(figures["objective"])],
        [_("Target"), figures["target"] if figures["target"] is not None else ""],
        [_("Actual"), figures["actual"]],
        [_("Publication window"), f"{figures['start']} – {figures['end']}"],
        [],
        header,
        row(_("All channels"), figures["total"]),
        *[row(split["label"], split) for split in figures["channels"]],
        [],
        [_("Group"), _("At the start"), _("At the end"), _("Growth"), _("Growth, %")],
        *[
            [
                g["name"],
                g["start"],
                g["end"],
                g["gain"],
                "" if g["percent"] is None else f"{g['percent']:.1f}",
            ]
            for g in figures["growth"]
        ],  # fmt: skip
    ]
    if figures.get("periods"):
        rows += [[], [_("Period"), _("In the period"), _("Total by its end")]]
        rows += [[f"{p['start']} – {p['end']}", p["gain"], p["actual"]] for p in figures["periods"]]
    rows += [[], [_("When"), _("Channel"), _("Format"), _("Clicks"),
                  _("Clicks by the channel's count"), _("Reach"), _("Reactions"),
                  _("Published")]]  # fmt: skip
    rows += [
        [post["scheduled_at"][:10], post["channel"], post_format_label(post["format"]),
         post["clicks"], _blank(post.get("channel_clicks")), _blank(post["reach"]),
         _blank(post["reactions"]), post["url"]]
        for post in figures["posts"]
    ]  # fmt: skip
    if figures.get("catalog"):
        catalog = figures["catalog"]
        rows += [
            [],
            [_("Books added in the window"), catalog["added"]],
            [_("Exchanged in the window"), catalog["exchanged"]],
            [_("Donations in the window"), catalog["donations"], catalog["currency"]],
        ]
    rows += [[], [_("Backup plan"), _("Done"), _("What was done")]]
    rows += [[b["step"], _("yes") if b["done"] else _("no"), b["note"]] for b in figures["backup"]]
    return csv_response(f"results-{brief.id}.csv", rows[0], rows[1:])
