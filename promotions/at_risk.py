"""Briefs falling behind: recorded by the cron command, and their people warned once."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from accounts.mail import email_user, register_email_kind
from accounts.models import User
from community.history import active_leaders
from core import audit
from core.extensions import db
from core.models import utcnow
from core.signals import brief_changed
from promotions.models import PromotionRequest
from promotions.outcomes import WATCHED, outcome_lines

register_email_kind(
    "at_risk", _l("Warnings that a promotion I work on is behind its target"), audience="promotions"
)

AT_RISK_EVENT = "at_risk"


def leaders_by_community(community_ids) -> dict[int, list[User]]:
    """The leaders to warn in each community: active leaders whose account is on."""
    return active_leaders(community_ids, only_active_accounts=True)


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
    command (`flask promotions check-at-risk`; pages only show the pace), and a
    warning is sent once per fall even when two runs overlap: the flag is set by a
    conditional UPDATE, and only the transaction whose UPDATE changed the row sends
    the warning.
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
        people = people_to_warn(brief, leaders)
        brief_changed.send(brief, actor=None, event=AT_RISK_EVENT, recipients=people)
        for person in people:
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
