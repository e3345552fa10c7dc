"""The community report (page, CSV, Markdown)."""

from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from community.views import load_community, register_community_link
from core.charts import line_chart
from core.models import utcnow
from core.navigation import add_nav_item
from core.permissions import requires
from core.spreadsheets import csv_response
from reports import services
from reports.labels import figure_label, section_label
from reports.periods import Period

bp = Blueprint("reports", __name__)
register_community_link("reports.community_report", _l("Report"), "reports.view_community_report")
add_nav_item("reports.overview", _l("Reports"), "reports.view_overview", 80)


def _report_for(slug: str) -> services.CommunityReport:
    community = load_community(slug, "reports.view_community_report")
    kind = request.args.get("period", "month")
    period = Period.parse(kind, request.args.get("at"), utcnow().date())
    return services.community_report(community, period)


def _format(value, unit: str) -> str:
    """A count, a percentage, or a change of percentages in points ("pp")."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{format_decimal(value, '#,##0.0')} %"
    if unit == "pp":
        return _("%(points)s pp", points=format_decimal(value, "#,##0.0"))
    return format_decimal(value)


@bp.route("/communities/<slug>/report")
def community_report(slug: str):
    report = _report_for(slug)
    months = report.members_by_month
    chart = line_chart(
        _("Members at the end of each month"),
        [format_date(point.period_start, "MMM yy") for point in months],
        [point.members for point in months],
    )
    other_kind = "week" if report.period.kind == "month" else "month"
    return render_template(
        "reports/community.html",
        report=report,
        other=Period.containing(other_kind, report.period.end),
        chart=chart,
        label=figure_label,
        section=section_label,
        show=_format,
    )


@bp.route("/communities/<slug>/report.csv")
def community_report_csv(slug: str):
    report = _report_for(slug)
    period = report.period
    return csv_response(
        f"{report.community.slug}-{period.key}.csv",
        ["section", "figure", "subject", period.key, period.previous().key, "unit"],
        (
            [f.section, f.key, f.subject, _raw(f.value), _raw(f.previous), f.unit]
            for f in report.figures
        ),
    )


@bp.route("/communities/<slug>/report.md")
def community_report_markdown(slug: str):
    report = _report_for(slug)
    text = render_template(
        "reports/community.md", report=report, label=figure_label, section=section_label,
        show=_format,
    )  # fmt: skip
    return Response(
        text,
        mimetype="text/markdown",
        headers={
            "Content-Disposition": f"attachment; filename={report.community.slug}-"
            f"{report.period.key}.md"
        },  # fmt: skip
    )


@bp.route("/reports/")
@requires("reports.view_overview")
def overview():
    period, sort = _overview_period(), request.args.get("sort", "members")
    return render_template(
        "reports/overview.html",
        rows=services.site_overview(period, sort),
        period=period,
        sort=sort if sort in services.OVERVIEW_SORTS else "members",
        show=_format,
    )


@bp.route("/reports/overview.csv")
@requires("reports.view_overview")
def overview_csv():
    period = _overview_period()
    rows = services.site_overview(period, request.args.get("sort", "members"))
    return csv_response(
        f"communities-{period.key}.csv",
        ["community", "members", "members_at_start", "joined", "left", "growth_percent"],
        (
            [r.community.name, r.members, r.members_before, r.joined, r.left,
             _raw(r.growth_percent)]
            for r in rows
        ),
    )  # fmt: skip


def _overview_period() -> Period:
    return Period.parse(
        request.args.get("period", "month"), request.args.get("at"), utcnow().date()
    )


def _raw(value) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
