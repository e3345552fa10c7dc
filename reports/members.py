"""Membership figures over periods and the members who were active in them, each in one
query. Who was a member when follows the one rule of community.history: a period starts
with the members just before its first moment, and a join or leave at that moment is the
period's own."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, distinct, func, select, union_all

from community.history import joined_before, left_before, member_at
from community.models import Community, Membership
from core.extensions import db
from events.models import Event, Registration
from initiatives.models import Initiative, Lead, counted_leads
from promotions.models import BriefComment, PromotionRequest
from reports.percent import percent_change
from reports.periods import Period, within

# --- members ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipFigures:
    members_at_start: int
    members_at_end: int
    joined: int  # membership periods that started in the period (re-joins count again)
    left: int

    @property
    def net(self) -> int:
        return self.members_at_end - self.members_at_start

    @property
    def growth_percent(self) -> float | None:
        return percent_change(self.members_at_start, self.members_at_end)


def membership_counts(
    community: Community, periods: list[Period], moments: list[datetime] = ()
) -> tuple[list[MembershipFigures], list[int]]:
    """Membership figures for each period and members at each moment, in one query.

    Counted from the membership periods, so joins, leaves and re-joins all count. The
    members at a moment are those just before it (community.history): at a period's
    start, the members it started with. For each distinct moment m the query counts the
    membership periods that began before m and those that ended before m; every figure
    is a difference of those two running counts (a membership period ends after it
    begins). Far fewer columns than one per figure: a chart's months share their bounds.
    """
    bounds = sorted({*(p.starts_at for p in periods), *(p.ends_at for p in periods), *moments})
    if not bounds:
        return [], []
    columns = []
    for moment in bounds:
        columns += [
            func.count(case((joined_before(moment), 1))),
            func.count(case((left_before(moment), 1))),
        ]
    row = db.session.execute(select(*columns).where(Membership.community_id == community.id)).one()
    began = {moment: row[2 * i] for i, moment in enumerate(bounds)}
    left = {moment: row[2 * i + 1] for i, moment in enumerate(bounds)}

    def members(moment: datetime) -> int:
        return began[moment] - left[moment]

    figures = [
        MembershipFigures(
            members_at_start=members(p.starts_at),
            members_at_end=members(p.ends_at),
            joined=began[p.ends_at] - began[p.starts_at],
            left=left[p.ends_at] - left[p.starts_at],
        )
        for p in periods
    ]
    return figures, [members(moment) for moment in moments]


def membership_figures(community: Community, period: Period) -> MembershipFigures:
    return membership_counts(community, [period])[0][0]


# --- active members --------------------------------------------------------------------


def _activity(start: datetime, end: datetime, community_ids: list[int] | None):
    """(community, person, moment) of everything that makes a member active: registering
    for an event, attending one, a lead (interest, an offered or requested catalog item)
    in an initiative, a comment on a promotion brief; each while the person was a member."""

    def part(source, joined, on, community_column, user_column, moment, *where):
        query = (
            select(
                community_column.label("community_id"),
                user_column.label("user_id"),
                moment.label("at"),
            )
            .select_from(source)
            .join(joined, on)
            # A member at that moment; joined here, where the person's memberships are
            # found by index, rather than outside the union, where nothing is indexed.
            .join(Membership, member_at(moment, user_column, community_column))
            .where(moment >= start, moment < end, *where)
        )
        if community_ids is not None:
            query = query.where(community_column.in_(community_ids))
        return query

    to_event = (Registration, Event, Event.id == Registration.event_id)
    registrations = [
        part(*to_event, Event.community_id, Registration.user_id, moment)
        for moment in (Registration.created_at, Registration.requested_at)
    ]
    attended = part(*to_event, Event.community_id, Registration.user_id, Event.starts_at,
                    Registration.attended.is_(True))  # fmt: skip
    leads = part(Lead, Initiative, Initiative.id == Lead.initiative_id,
                 Initiative.community_id, Lead.user_id, Lead.created_at,
                 counted_leads())  # fmt: skip
    comments = part(BriefComment, PromotionRequest, PromotionRequest.id == BriefComment.request_id,
                    PromotionRequest.community_id, BriefComment.author_id,
                    BriefComment.created_at)  # fmt: skip
    return union_all(*registrations, attended, leads, comments).subquery("activity")


def active_members(
    periods: list[Period], community_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Per community, for each period: the distinct members who did something in it (see
    `_activity`). One query for any number of communities."""
    start = min(period.starts_at for period in periods)
    end = max(period.ends_at for period in periods)
    activity = _activity(start, end, community_ids)
    rows = db.session.execute(
        select(
            activity.c.community_id,
            *[
                func.count(distinct(case((within(activity.c.at, period), activity.c.user_id))))
                for period in periods
            ],
        ).group_by(activity.c.community_id)
    )
    return {community_id: list(counts) for community_id, *counts in rows}
