"""The community report (page, CSV, Markdown) and the site overview (page, CSV)."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.views import load_community, register_community_link
from core.charts import line_chart
from core.models import utcnow
from core.navigation import add_nav_item
from core.permissions import is_admin, requires
from core.spreadsheets import csv_response
from reports.community_report import CommunityReport
from reports.community_report import community_report as report_of
from reports.forms import PeriodForm
from reports.labels import NOTES, figure_label, section_label
from reports.overview import OVERVIEW_SORTS, site_overview
from reports.periods import Period

bp = Blueprint("reports", __name__)
register_community_link("reports.community_report", _l("Report"), "reports.view_community_report")
add_nav_item("reports.overview", _l("Reports"), "reports.view_overview", 80)


def _zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC"


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(_zone())).date()


def _chosen_period() -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.args)
    return form, form.chosen_period(_today(), _zone())


def _report_for(slug: str):
    """The community and its report for the period asked for; the report is None (and
    the form holds the message) when that period cannot be reported on."""
    community = load_community(slug, "reports.view_community_report")
    form, period = _chosen_period()
    if period is None:
        return community, form, None
    return community, form, report_of(community, period)


def _format(value, unit: str = "") -> str:
    """A count, a percentage, or a change of percentages in points ("pp")."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{format_decimal(value, '#,##0.0')} %"
    if unit == "pp":
        return _("%(points)s pp", points=format_decimal(value, "#,##0.0"))
    return format_decimal(value)


def _change(figure) -> str:
    """ "+3", "−1.5 pp" or "—": a figure's change against the previous period."""
    if figure.change is None:
        return "—"
    text = _format(figure.change, "pp" if figure.unit == "%" else figure.unit)
    return ("+" + text) if figure.change > 0 else text


def _signed(value: int | None) -> str:
    """ "+3", "−1" or "0": a change in members."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + _format(value)


def _unit_label(unit: Period) -> str:
    if unit.kind == "week":
        return format_date(unit.start, "d MMM")
    return format_date(unit.start, "MMM yy")


def _window(first: date, last: date) -> str:
    return f"{format_date(first, 'd MMM')} – {format_date(last, 'd MMM yyyy')}"


def _growth_chart(report: CommunityReport):
    title = (
        _("Members at the end of each week")
        if report.units[0].kind == "week"
        else _("Members at the end of each month")
    )
    # line_chart shades from half a step before `first` to half a step after `last`;
    # shifting by half a step makes a band cover exactly its campaign's days.
    bands = [
        (f"{band.title} ({_window(band.first_day, band.last_day)})", low + 0.5, high - 0.5)
        for band in report.bands
        for low, high in [band.position]
    ]
    return line_chart(
        title,
        [_unit_label(unit) for unit in report.units],
        [figures.members_at_end for figures in report.members_by_unit],
        bands,
    )


def _page_links(period: Period) -> dict:
    today = _today()
    this_month = Period.containing("month", today, _zone())
    this_week = Period.containing("week", today, _zone())
    return {
        "quick": [
            (_("This month"), this_month),
            (_("Last month"), this_month.previous()),
            (_("This week"), this_week),
            (_("Last week"), this_week.previous()),
        ],
        "previous": period.previous(),
        "next": period.next() if period.next().start <= today else None,
    }


@bp.route("/communities/<slug>/report")
def community_report(slug: str):
    community, form, report = _report_for(slug)
    if report is None:
        page = render_template("reports/community.html", community=community, form=form)
        return page, 400
    return render_template(
        "reports/community.html",
        community=community,
        form=form,
        report=report,
        chart=_growth_chart(report),
        links=_page_links(report.period),
        notes=NOTES,
        window=_window,
        label=figure_label,
        section=section_label,
        show=_format,
        change=_change,
        signed=_signed,
        unit_label=_unit_label,
    )


def _refused(form: PeriodForm) -> Response:
    messages = [message for field in form for message in field.errors]
    return Response("\n".join(messages) + "\n", 400, mimetype="text/plain")


@bp.route("/communities/<slug>/report.csv")
def community_report_csv(slug: str):
    _community, form, report = _report_for(slug)
    if report is None:
        return _refused(form)
    period = report.period
    return csv_response(
        f"{report.community.slug}-{period.key}.csv",
        ["section", "figure", "subject", period.key, period.previous().key, "change", "unit"],
        _csv_rows(report),
    )


def _csv_rows(report: CommunityReport):
    """Every figure of the report, then the tables under it, as plain numbers."""
    for f in report.figures:
        yield [f.section, f.key, f.subject, _raw(f.value), _raw(f.previous), _raw(f.change),
               f.unit]  # fmt: skip
    zone = ZoneInfo(report.period.zone)
    for event in report.events:
        # The local day, as the page shows it: 22:30 UTC is already tomorrow in Kyiv.
        subject = f"{event.starts_at.astimezone(zone).date().isoformat()} {event.title}"
        yield ["event", "registrations", subject, event.registrations, "", "", ""]
        yield ["event", "attended", subject, event.attended, "", "", ""]
    for p in report.initiatives:
        title, currency = p.initiative.title, p.initiative.currency
        yield ["initiative", "leads", title, p.leads, "", "", ""]
        if p.initiative.is_catalog:
            yield ["initiative", "items", title, p.items, "", "", ""]
            yield ["initiative", "exchanged", title, p.exchanged, "", "", ""]
            yield ["initiative", "exchanged_in_period", title, p.exchanged_in_period, "", "", ""]
            yield ["initiative", "donations", title, _raw(p.donations), "", "", currency]
            yield ["initiative", "donations_in_period", title, _raw(p.donations_in_period), "",
                   "", currency]  # fmt: skip
    for campaign in report.campaigns:
        title, outcome = campaign.brief.title, campaign.outcome
        if outcome is not None:
            yield ["promotion", "target", title, _raw(outcome.target), "", "", ""]
            yield ["promotion", "actual", title, outcome.actual, "", "", ""]
            yield ["promotion", "actual_of_target", title, _raw(outcome.ratio), "", "", ""]
        yield ["promotion", "members_at_start", title, campaign.lift.before, "", "", ""]
        yield ["promotion", "members_at_end", title, campaign.lift.after, "", "", ""]
        yield ["promotion", "members_a_month_later", title, _raw(campaign.lift.later), "", "", ""]
    for band in report.bands:  # every promotion on the growth chart, and what stayed of it
        lift = band.lift
        for key, value in [("members_at_start", lift.before), ("members_at_end", lift.after),
                           ("members_a_month_later", lift.later), ("kept", lift.kept)]:  # fmt: skip
            yield ["chart_promotion", key, band.title, _raw(value), "", "", ""]
    for unit, figures in zip(report.units, report.members_by_unit, strict=True):
        for key in ("members_at_end", "joined", "left", "net"):
            yield [f"by_{unit.kind}", key, unit.key, getattr(figures, key), "", "", ""]


@bp.route("/communities/<slug>/report.md")
def community_report_markdown(slug: str):
    _community, form, report = _report_for(slug)
    if report is None:
        return _refused(form)
    text = render_template(
        "reports/community.md",
        report=report,
        notes=NOTES,
        window=_window,
        label=figure_label,
        section=section_label,
        show=_format,
        change=_change,
        signed=_signed,
        unit_label=_unit_label,
    )
    filename = f"{report.community.slug}-{report.period.key}.md"
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- the site overview -----------------------------------------------------------------

OVERVIEW_COLUMNS = [
    ("name", _l("Community")),
    ("members", _l("Members")),
    ("growth", _l("Growth")),
    ("joined", _l("Joined")),
    ("left", _l("Left")),
    ("active", _l("Active share")),
    ("events", _l("Events held")),
    ("campaigns", _l("Promotions")),
]


def _overview_order() -> tuple[str, bool]:
    """The column to sort by and whether largest (or Z) comes first."""
    sort = request.args.get("sort", "members")
    if sort not in OVERVIEW_SORTS:
        sort = "members"
    order = request.args.get("order")
    descending = order == "desc" if order in ("asc", "desc") else sort != "name"
    return sort, descending


@bp.route("/reports/")
@requires("reports.view_overview")
def overview():
    form, period = _chosen_period()
    if period is None:
        return render_template("reports/overview.html", form=form, columns=OVERVIEW_COLUMNS), 400
    sort, descending = _overview_order()
    return render_template(
        "reports/overview.html",
        form=form,
        rows=site_overview(period, sort, descending),
        period=period,
        links=_page_links(period),
        columns=OVERVIEW_COLUMNS,
        report_links=is_admin(current_user),  # leaders open their own from the community
        sort=sort,
        descending=descending,
        show=_format,
    )


@bp.route("/reports/overview.csv")
@requires("reports.view_overview")
def overview_csv():
    form, period = _chosen_period()
    if period is None:
        return _refused(form)
    rows = site_overview(period, *_overview_order())
    return csv_response(
        f"communities-{period.key}.csv",
        ["community", "members", "members_at_start", "growth_percent", "joined", "left",
         "active_members", "active_share_percent", "events_held", "promotions"],
        (
            [r.community.name, r.members, r.members_before, _raw(r.growth_percent), r.joined,
             r.left, r.active, _raw(r.active_share), r.events, r.campaigns]
            for r in rows
        ),
    )  # fmt: skip


def _raw(value):
    """A number for a spreadsheet: whole numbers as they are, others to two decimals."""
    if value is None:
        return ""
    if value == int(value):
        return int(value)
    return round(float(value), 2)
