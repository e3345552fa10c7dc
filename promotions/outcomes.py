"""What briefs achieved: target against actual and the pace, for many briefs at once
(one brief's whole outcome page is promotions.outcome_figures).

Everything here is computed from the data: attributions and link visits
(promotions.links), registrations, leads, membership history and the external
channels' snapshots. Only the per-post figures SMM types in from the channels'
own statistics (reach, reactions, clicks) come from people.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from community.history import member_at
from community.models import ChannelSnapshot, ExternalChannel, Membership
from core.bounds import FIRST_DAY, LAST_DAY
from core.extensions import db
from core.models import utcnow
from events.models import Registration, RegistrationStatus
from initiatives.models import (
    Lead,
    LeadKind,
    counted_leads,
)
from promotions.links import LEAD, MEMBERSHIP, REGISTRATION
from promotions.models import (
    Attribution,
    BriefStatus,
    LinkVisit,
    Objective,
    PromotionRequest,
    TrackedLink,
)

# Pace states, in the words the pages use (promotions/outcome_views.py labels them).
NO_TARGET = "no_target"
NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
MET = "met"
MISSED = "missed"

# Briefs whose pace is watched: the posts are planned or going out.
WATCHED = frozenset({BriefStatus.SCHEDULED, BriefStatus.RUNNING})
DEFAULT_WINDOW_DAYS = 30
TAKING_PART = (LeadKind.CONTRIBUTION, LeadKind.REQUEST)
SITE_MEMBERS = _l("Members on Guildhall")


# --- pace -----------------------------------------------------------------------


def elapsed_share(start: date, end: date, today: date) -> float:
    """How much of the window (both ends included) had passed by the start of `today`."""
    length = (end - start).days + 1
    return min(max((today - start).days / length, 0.0), 1.0)


def pace_state(
    target: int | None,
    actual: int,
    start: date | None,
    end: date | None,
    today: date,
    after: float = 0.5,
    pace: float = 0.8,
) -> str:
    """Is the brief where it should be by `today`?

    At risk once at least `after` of the window has passed and the actual is
    under `pace` × the share of the target that a steady pace would have
    reached by now: with the defaults, half the window gone and under 40 % of
    the target. After the window it is either met or missed.
    """
    if not target or start is None or end is None:
        return NO_TARGET
    if actual >= target:
        return MET
    if today < start:
        return NOT_STARTED
    if today > end:
        return MISSED
    share = elapsed_share(start, end, today)
    if share >= after and actual < pace * target * share:
        return AT_RISK
    return ON_TRACK


def window_of(brief: PromotionRequest) -> tuple[date, date]:
    """The publication window, or the best guess at it for a brief that names none."""
    start = brief.publish_from or (brief.submitted_at or brief.created_at).date()
    if brief.publish_until:
        end = brief.publish_until
    elif brief.subject_starts_at:
        end = brief.subject_starts_at.date()
    else:
        end = start + timedelta(days=DEFAULT_WINDOW_DAYS)
    # Briefs saved before the form bounded the dates may name any day up to 9999-12-31:
    # kept inside the site's dates, every day after the window still exists, and the
    # chart's days stay a few thousand at most.
    start = min(max(start, FIRST_DAY), LAST_DAY)
    return start, min(max(start, end), LAST_DAY)


def _configured_state(brief: PromotionRequest, actual: int, today: date) -> str:
    start, end = window_of(brief)
    config = current_app.config
    return pace_state(
        brief.target, actual, start, end, today, config["AT_RISK_AFTER"], config["AT_RISK_PACE"]
    )


# --- the figures ------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@cache
def _counted_attributions():
    """Attribution rows of the briefs in the parameter `request_ids` (a list) that count:
    not a cancelled registration, and a request to join only once a leader approved it
    (it has a joined date).

    Built once: putting this statement together costs about 4 ms of Python, more than
    running it, and the queue and the outcome page ask for it on every view.

    A brief's leads are people: its column `first_of_person` is false for a lead of
    someone the brief already has an earlier lead of (one person's six offers, request
    and interest are one lead). Rows that count as outcomes are those where it is true;
    the others still tell who took part.
    """
    lead, earlier_mark, earlier_lead = aliased(Lead), aliased(Attribution), aliased(Lead)
    same_person = or_(
        and_(lead.participant_id.is_not(None), earlier_lead.participant_id == lead.participant_id),
        and_(lead.user_id.is_not(None), earlier_lead.user_id == lead.user_id),
    )
    earlier = (
        select(earlier_mark.id)
        .join(earlier_lead, earlier_lead.id == earlier_mark.object_id)
        .where(
            earlier_mark.request_id == Attribution.request_id,
            earlier_mark.kind == LEAD,
            earlier_mark.id < Attribution.id,
            counted_leads(earlier_lead),
            same_person,
        )
        .exists()
    )
    first_of_person = or_(lead.id.is_(None), ~earlier).label("first_of_person")
    return (
        select(Attribution, first_of_person)
        .outerjoin(
            Registration,
            and_(Attribution.kind == REGISTRATION, Registration.id == Attribution.object_id),
        )
        .outerjoin(
            Membership,
            and_(Attribution.kind == MEMBERSHIP, Membership.id == Attribution.object_id),
        )
        .outerjoin(lead, and_(Attribution.kind == LEAD, lead.id == Attribution.object_id))
        .where(
            Attribution.request_id.in_(bindparam("request_ids", expanding=True)),
            or_(Registration.id.is_(None), Registration.status != RegistrationStatus.CANCELLED),
            or_(Membership.id.is_(None), Membership.joined_at.is_not(None)),
            or_(lead.id.is_(None), counted_leads(lead)),
        )
    )


@cache
def _counted_by_kind():
    """(brief id, kind, outcomes) of the briefs in `request_ids`; built once, as above."""
    counted = _counted_attributions().subquery()
    return (
        select(counted.c.request_id, counted.c.kind, func.count())
        .where(counted.c.first_of_person)
        .group_by(counted.c.request_id, counted.c.kind)
    )


@dataclass
class GroupGrowth:
    """One group's size at the start of the window and now (or at its end)."""

    name: str
    start: int | None
    end: int | None
    history: list[tuple[date, int]] = field(default_factory=list)  # external channels' snapshots

    @property
    def gain(self) -> int:
        if self.start is None or self.end is None:
            return 0
        return self.end - self.start

    @property
    def percent(self) -> float | None:
        if not self.start or self.end is None:
            return None
        return 100.0 * self.gain / self.start


def _group_growth(briefs: list[PromotionRequest], today: date) -> dict[int, list[GroupGrowth]]:
    """Members on the site and in each external channel, at the window's start and end.

    Two queries whatever the number of briefs: conditional counts over the
    memberships, and the snapshots of the communities' channels.
    """
    if not briefs:
        return {}
    moments = {}
    for brief in briefs:
        start, end = window_of(brief)
        moments[brief.id] = (_day_start(start), _day_start(min(end, today) + timedelta(days=1)))

    def members(community_id: int, moment: datetime):
        return func.count(case((member_at(moment, community_column=community_id), 1)))

    columns = []
    for brief in briefs:
        columns += [members(brief.community_id, moment) for moment in moments[brief.id]]
    community_ids = sorted({brief.community_id for brief in briefs})
    row = db.session.execute(
        select(*columns).where(
            Membership.community_id.in_(community_ids), Membership.joined_at.is_not(None)
        )
    ).one()
    snapshots = db.session.execute(
        select(
            ExternalChannel.community_id,
            ExternalChannel.id,
            ExternalChannel.name,
            ChannelSnapshot.taken_on,
            ChannelSnapshot.member_count,
        )
        .join(ChannelSnapshot, ChannelSnapshot.channel_id == ExternalChannel.id)
        .where(ExternalChannel.community_id.in_(community_ids))
        .order_by(ExternalChannel.id, ChannelSnapshot.taken_on)
    ).all()
    by_community = defaultdict(list)
    for snapshot in snapshots:
        by_community[snapshot.community_id].append(snapshot)

    result = {}
    for i, brief in enumerate(briefs):
        lines = [GroupGrowth(str(SITE_MEMBERS), row[2 * i], row[2 * i + 1])]
        start, end = window_of(brief)
        last_day = min(end, today)
        channels: dict[int, GroupGrowth] = {}
        for snapshot in by_community[brief.community_id]:
            line = channels.setdefault(snapshot.id, GroupGrowth(snapshot.name, None, None))
            line.history.append((snapshot.taken_on, snapshot.member_count))
            # The latest count on or before the start; failing that, the first one in the window.
            if snapshot.taken_on <= start or (line.start is None and snapshot.taken_on <= last_day):
                line.start = snapshot.member_count
            if snapshot.taken_on <= last_day:
                line.end = snapshot.member_count
        lines += [line for line in channels.values() if line.start is not None]
        result[brief.id] = lines
    return result


@dataclass
class OutcomeLine:
    """A brief's target and actual in a sentence: what queues and reports show."""

    brief_id: int
    objective: Objective | None
    target: int | None
    actual: int
    state: str

    @property
    def ratio(self) -> float | None:
        return self.actual / self.target if self.target else None

    @property
    def at_risk(self) -> bool:
        return self.state == AT_RISK


def _actual(objective, counts: dict, visits: int, growth: list[GroupGrowth]) -> int:
    if objective == Objective.REGISTRATIONS:
        return counts.get(REGISTRATION, 0)
    if objective == Objective.LEADS:
        return counts.get(LEAD, 0)
    if objective == Objective.PAGE_VISITS:
        return visits
    if objective == Objective.GROUP_MEMBERS:
        return sum(line.gain for line in growth)
    return 0


def outcome_lines(
    briefs: list[PromotionRequest], today: date | None = None
) -> dict[int, OutcomeLine]:
    """Target, actual and pace of many briefs, in at most four queries.

    A reported brief reads its frozen final figures, so its line never drifts.
    """
    today = today or utcnow().date()
    live = [brief for brief in briefs if brief.final_actual is None]
    ids = [brief.id for brief in live]
    counts: dict[int, dict] = defaultdict(dict)
    visits: dict[int, int] = {}
    if ids:
        for request_id, kind, number in db.session.execute(
            _counted_by_kind(), {"request_ids": ids}
        ):
            counts[request_id][kind] = number
        visits = dict(
            db.session.execute(
                select(TrackedLink.request_id, func.sum(LinkVisit.clicks))
                .join(LinkVisit, LinkVisit.link_id == TrackedLink.id)
                .where(TrackedLink.request_id.in_(ids))
                .group_by(TrackedLink.request_id)
            ).all()
        )
    growth = _group_growth([b for b in live if b.objective == Objective.GROUP_MEMBERS], today)
    lines = {}
    for brief in briefs:
        actual = _actual(
            brief.objective,
            counts[brief.id],
            int(visits.get(brief.id) or 0),
            growth.get(brief.id, []),
        )
        lines[brief.id] = _line(brief, actual, today)
    return lines


def _line(brief: PromotionRequest, live_actual: int, today: date) -> OutcomeLine:
    if brief.final_actual is not None:  # reported: the figures frozen then
        actual = brief.final_actual
        state = NO_TARGET if not brief.target else MET if actual >= brief.target else MISSED
    else:
        actual = live_actual
        state = _configured_state(brief, actual, today)
        if state == AT_RISK and brief.status not in WATCHED:
            state = ON_TRACK  # only a brief being published can fall behind
    return OutcomeLine(brief.id, brief.objective, brief.target, actual, state)
