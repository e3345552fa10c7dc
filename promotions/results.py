"""Acting on outcomes: at-risk alerts, the backup-plan checklist, the final report, references."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, cast, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from accounts.mail import email_user, register_email_kind
from accounts.models import User
from community.models import Membership, MembershipRole, MembershipStatus
from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import can
from promotions.models import (
    BackupAction,
    BriefStatus,
    Notification,
    Objective,
    PlannedPost,
    PromotionRequest,
    ReportFrequency,
)
from promotions.outcomes import WATCHED, Outcome, brief_outcome, outcome_lines
from promotions.permissions import viewable_communities
from promotions.services import transition

register_email_kind("at_risk", _l("Warnings that a promotion I work on is behind its target"))

AT_RISK_EVENT = "at_risk"


# --- at risk ------------------------------------------------------------------------


def leaders_by_community(community_ids) -> dict[int, list[User]]:
    """The active leaders of each community, in one query."""
    leaders: dict[int, list[User]] = defaultdict(list)
    if not community_ids:
        return leaders
    rows = db.session.execute(
        select(Membership.community_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id.in_(set(community_ids)),
            Membership.role == MembershipRole.LEADER,
            Membership.status == MembershipStatus.ACTIVE,
            User.active,
        )
        .order_by(User.id)
    )
    for community_id, user in rows:
        leaders[community_id].append(user)
    return leaders


def people_to_warn(brief: PromotionRequest, leaders: list[User]) -> list[User]:
    """Who hears that a brief fell behind: every leader of its community (the community
    managers, not only whoever filed it) and the SMM person it is assigned to."""
    people = {person.id: person for person in leaders}
    if brief.assignee is not None and brief.assignee.active:
        people.setdefault(brief.assignee.id, brief.assignee)
    return list(people.values())


def sync_at_risk(brief: PromotionRequest, at_risk: bool, leaders: list[User] | None = None) -> bool:
    """Record whether the brief is behind; warn its people the first time it falls behind.

    Returns True when the brief has just become at risk. Called by the cron
    command and when someone opens the outcome page, so a warning is sent once
    per fall, whichever comes first: the flag is set by a conditional UPDATE,
    and only the transaction whose UPDATE changed the row sends the warning.
    `leaders` are the community's leaders when the caller has them already.
    """
    if at_risk and brief.at_risk_since is None:
        now = utcnow()
        claimed = db.session.execute(
            update(PromotionRequest)
            .where(PromotionRequest.id == brief.id, PromotionRequest.at_risk_since.is_(None))
            .values(at_risk_since=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:  # someone else saw it first and warned
            return False
        set_committed_value(brief, "at_risk_since", now)
        if leaders is None:
            leaders = leaders_by_community([brief.community_id])[brief.community_id]
        for person in people_to_warn(brief, leaders):
            db.session.add(Notification(user_id=person.id, brief=brief, event=AT_RISK_EVENT))
            email_user(
                person,
                "at_risk",
                "brief_at_risk",
                dedupe_key=f"at-risk:{brief.id}:{person.id}:{now:%Y%m%d}",
                brief=brief,
            )
        audit.record(None, "brief.at_risk", brief, "behind its pace")
        return True
    if not at_risk and brief.at_risk_since is not None:
        brief.at_risk_since = None
    return False


def pace_changed(brief: PromotionRequest, line) -> bool:
    """Does the recorded at-risk flag differ from what the figures say now?"""
    return brief.final_actual is None and line.at_risk != (brief.at_risk_since is not None)


def check_at_risk(today: date | None = None) -> tuple[int, int]:
    """Look at every brief being published; returns (watched, newly at risk).

    A fixed number of queries for any number of briefs (the figures, the
    assignees, the communities' leaders), plus the warnings themselves.
    """
    briefs = list(
        db.session.execute(
            select(PromotionRequest)
            .options(selectinload(PromotionRequest.assignee))
            .where(
                PromotionRequest.status.in_(WATCHED),
                PromotionRequest.target.is_not(None),
                PromotionRequest.objective.is_not(None),
            )
            .order_by(PromotionRequest.id)
        ).scalars()
    )
    lines = outcome_lines(briefs, today)
    changing = [brief for brief in briefs if pace_changed(brief, lines[brief.id])]
    leaders = leaders_by_community(
        [brief.community_id for brief in changing if lines[brief.id].at_risk]
    )
    newly = sum(
        sync_at_risk(brief, lines[brief.id].at_risk, leaders[brief.community_id])
        for brief in changing
    )
    return len(briefs), newly


# --- the backup plan -------------------------------------------------------------------


def _check_step(actor, brief: PromotionRequest, position: int) -> str:
    if not can(actor, "promotions.follow_up", brief):
        raise DomainError(_("The backup plan is worked by the brief's community and SMM."))
    steps = brief.backup_steps
    if not 0 <= position < len(steps):
        raise DomainError(_("This step is not in the backup plan."))
    return steps[position]


def tick_backup_step(actor, brief: PromotionRequest, position: int, note: str) -> BackupAction:
    step = _check_step(actor, brief, position)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Note what was done, so the report can say it."))
    action = next((a for a in brief.backup_actions if a.position == position), None)
    if action is None:
        action = BackupAction(position=position)
        brief.backup_actions.append(action)
    action.step, action.note, action.done_by_id, action.done_at = step, note, actor.id, utcnow()
    audit.record(actor, "brief.backup_step", brief, f"{step}: {note}")
    db.session.flush()
    return action


def untick_backup_step(actor, brief: PromotionRequest, position: int) -> None:
    _check_step(actor, brief, position)
    for action in list(brief.backup_actions):
        if action.position == position:
            brief.backup_actions.remove(action)
    db.session.flush()


@dataclass
class ChecklistItem:
    position: int
    step: str
    action: BackupAction | None


def checklist(brief: PromotionRequest) -> list[ChecklistItem]:
    done = {action.position: action for action in brief.backup_actions}
    return [
        ChecklistItem(position, step, done.get(position))
        for position, step in enumerate(brief.backup_steps)
    ]


# --- the final report ------------------------------------------------------------------


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
    """SMM's final word: the figures are frozen with the brief, and the brief closes."""
    if not report.strip():
        raise DomainError(_("Write what the promotion achieved."))
    outcome = brief_outcome(brief)
    brief.report = report.strip()
    brief.lessons = (lessons or "").strip()
    transition(actor, brief, BriefStatus.REPORTED)
    brief.final_figures = freeze(outcome)
    brief.final_actual = outcome.line.actual
    brief.reported_at = utcnow()
    brief.at_risk_since = None
    transition(actor, brief, BriefStatus.CLOSED, notify=False)  # one message: "reported"


# --- references --------------------------------------------------------------------------


@dataclass
class Reference:
    brief: PromotionRequest
    ratio: float
    channels: list[str]
    formats: list[str]
    # May the reader open the brief ("promotions.view")? If not, they learn its title,
    # community, objective, channels, formats and result, but not its text or lessons.
    visible: bool = False


@dataclass
class ReferenceGroup:
    objective: Objective
    references: list[Reference]
    open: bool


def reference_groups(user, chosen: Objective | None = None) -> list[ReferenceGroup]:
    """References for the request form, grouped by objective, the one chosen first and open.

    Three queries in all, whatever the number of communities: the ranking, the
    picked briefs' posts and the reader's led communities (for what they may open).
    """
    picked = references()
    scope = viewable_communities(user)
    groups: dict[Objective, list[Reference]] = {}
    for reference in picked:
        reference.visible = scope is None or reference.brief.community_id in scope
        groups.setdefault(reference.brief.objective, []).append(reference)
    order = sorted(
        groups, key=lambda objective: (objective != chosen, list(Objective).index(objective))
    )
    return [
        ReferenceGroup(
            objective, groups[objective], objective == chosen or (chosen is None and i == 0)
        )
        for i, objective in enumerate(order)
    ]


def references(objective: Objective | None = None, per_objective: int = 3) -> list[Reference]:
    """Past briefs that beat their target the most (actual / target), best first.

    With an objective, only that objective's; otherwise the best few of each.
    Two queries: the ranking (a window function, so each objective gets its own
    top) and the posts of the briefs it picked.
    """
    ratio = cast(PromotionRequest.final_actual, Float) / PromotionRequest.target
    ranked = (
        select(
            PromotionRequest.id,
            ratio.label("ratio"),
            func.row_number()
            .over(
                partition_by=PromotionRequest.objective,
                order_by=(ratio.desc(), PromotionRequest.id.desc()),
            )
            .label("rank"),
        )
        .where(
            PromotionRequest.status == BriefStatus.CLOSED,
            PromotionRequest.final_actual.is_not(None),
            PromotionRequest.target.is_not(None),
            PromotionRequest.objective.is_not(None),
            PromotionRequest.final_actual >= PromotionRequest.target,
        )
        .subquery()
    )
    query = (
        select(PromotionRequest, ranked.c.ratio)
        .join(ranked, ranked.c.id == PromotionRequest.id)
        .options(
            selectinload(PromotionRequest.community),
            selectinload(PromotionRequest.channels),
            selectinload(PromotionRequest.posts).selectinload(PlannedPost.channel),
        )
        .where(ranked.c.rank <= per_objective)
        .order_by(PromotionRequest.objective, ranked.c.ratio.desc(), PromotionRequest.id.desc())
    )
    if objective is not None:
        query = query.where(PromotionRequest.objective == objective)
    result = []
    for brief, brief_ratio in db.session.execute(query):
        channels = sorted({post.channel.name for post in brief.posts}) or [
            channel.name for channel in brief.channels
        ]
        formats = sorted({post.format.value for post in brief.posts})
        result.append(Reference(brief, float(brief_ratio), channels, formats))
    return result
