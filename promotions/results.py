"""The final report: SMM's word and the figures frozen with the brief as it closes."""

from datetime import date, timedelta

from flask_babel import gettext as _

from core.commands import lock_row
from core.errors import DomainError
from core.models import utcnow
from promotions.backup_plan import checklist
from promotions.models import (
    BriefStatus,
    PromotionRequest,
    ReportFrequency,
)
from promotions.outcome_figures import Outcome, brief_outcome
from promotions.services import move_locked


def freeze(outcome: Outcome) -> dict:
    """The outcome as plain data, kept with the brief when SMM reports."""

    def split(s) -> dict:
        return {
            "label": str(s.label),
            "clicks": s.clicks,
            "visitors": s.visitors,
            "registrations": s.registrations,
            "leads": s.leads,
            "joins": s.joins,
            "participants": s.participants,
        }

    catalog = outcome.catalog
    return {
        "objective": str(outcome.brief.objective) if outcome.brief.objective else None,
        "target": outcome.brief.target,
        "actual": outcome.line.actual,
        "start": outcome.start.isoformat(),
        "end": outcome.end.isoformat(),
        "total": split(outcome.total),
        "channels": [split(s) for s in outcome.channels],
        "posts": [
            {
                "channel": p.post.channel.name,
                "format": p.post.format.value,
                "scheduled_at": p.post.scheduled_at.isoformat(),
                "url": p.post.published_url,
                "reach": p.post.reach,
                "reactions": p.post.reactions,
                "channel_clicks": p.post.clicks,  # the channel's own count, typed in by SMM
                **split(p.split),
            }
            for p in outcome.posts
        ],
        "growth": [
            {"name": g.name, "start": g.start, "end": g.end, "gain": g.gain, "percent": g.percent}
            for g in outcome.growth
        ],
        "catalog": None
        if catalog is None
        else {
            "currency": catalog.currency,
            "added": catalog.added,
            "exchanged": catalog.exchanged,
            "donations": str(catalog.donations),
            "total_items": catalog.total_items,
            "total_exchanged": catalog.total_exchanged,
            "total_donations": str(catalog.total_donations),
        },
        "frequency": str(outcome.brief.report_frequency or "") or None,
        "periods": period_figures(outcome, outcome.brief.report_frequency),
        "backup": [
            {
                "step": item.step,
                "done": item.action is not None,
                "note": item.action.note if item.action else "",
            }
            for item in checklist(outcome.brief)
        ],  # fmt: skip
    }


def _period_end(first: date, frequency: ReportFrequency) -> date:
    if frequency == ReportFrequency.WEEKLY:
        return first + timedelta(days=6 - first.weekday())  # to Sunday
    following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    return following - timedelta(days=1)


def period_figures(outcome: Outcome, frequency: ReportFrequency | None) -> list[dict]:
    """The actual week by week or month by month, for a brief that asked to be told so.

    A brief reported "once, at the end" gets none. Read from the outcome's daily
    series (every day for windows up to 100 days, evenly sampled beyond).
    """
    if frequency not in (ReportFrequency.WEEKLY, ReportFrequency.MONTHLY):
        return []
    last = min(outcome.end, outcome.today)
    series = list(zip(outcome.days, outcome.actual_by_day, strict=True))

    def actual_on(day: date) -> int:
        known = [value for moment, value in series if moment <= day]
        return known[-1] if known else 0

    periods, first = [], outcome.start
    while first <= last:
        end = min(_period_end(first, frequency), last)
        periods.append(
            {
                "start": first.isoformat(),
                "end": end.isoformat(),
                "gain": actual_on(end) - actual_on(first - timedelta(days=1)),
                "actual": actual_on(end),
            }
        )
        first = end + timedelta(days=1)
    return periods


def report_results(actor, brief: PromotionRequest, report: str, lessons: str = "") -> None:
    """SMM's final word: the figures are frozen with the brief, and the brief closes.
    Takes the brief's lock first."""
    brief = lock_row(PromotionRequest, brief.id)
    if not report.strip():
        raise DomainError(_("Write what the promotion achieved."))
    outcome = brief_outcome(brief)
    brief.report = report.strip()
    brief.lessons = (lessons or "").strip()
    move_locked(actor, brief, BriefStatus.REPORTED)
    brief.final_figures = freeze(outcome)
    brief.final_actual = outcome.line.actual
    brief.reported_at = utcnow()
    brief.at_risk_since = None
    move_locked(actor, brief, BriefStatus.CLOSED, notify=False)  # one message: "reported"
