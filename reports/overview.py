"""The site overview: every open community's figures for a period, side by side."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from community.history import joined_within, left_within, member_just_before
from community.models import Community, Membership
from core.extensions import db
from core.models import utcnow
from events.models import Event
from promotions.models import PromotionRequest
from reports.campaigns import CAMPAIGN_STATUSES
from reports.members import active_members
from reports.percent import percent_change, share
from reports.periods import Period

# --- the site overview -----------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    community: Community
    members: int
    members_before: int
    joined: int
    left: int
    active: int = 0
    events: int = 0
    campaigns: int = 0

    @property
    def growth_percent(self) -> float | None:
        return percent_change(self.members_before, self.members)

    @property
    def active_share(self) -> float | None:
        return share(self.active, self.members)


def _missing_last(value):
    return value if value is not None else float("-inf")


OVERVIEW_SORTS = {
    "name": lambda row: row.community.name.lower(),
    "members": lambda row: row.members,
    "growth": lambda row: _missing_last(row.growth_percent),
    "joined": lambda row: row.joined,
    "left": lambda row: row.left,
    "active": lambda row: _missing_last(row.active_share),
    "events": lambda row: row.events,
    "campaigns": lambda row: row.campaigns,
}


def site_overview(
    period: Period, sort: str = "members", descending: bool | None = None, now=None
) -> list[OverviewRow]:
    """Every open community's figures for the period, side by side, in five queries.

    Sorted by `sort` (a key of OVERVIEW_SORTS); names A→Z and numbers largest first
    unless `descending` says otherwise.
    """
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(period.zone)).date()
    members = {
        community_id: rest
        for community_id, *rest in db.session.execute(
            select(
                Membership.community_id,
                func.count(case((member_just_before(period.ends_at), 1))),
                func.count(case((member_just_before(period.starts_at), 1))),
                func.count(case((joined_within(period.starts_at, period.ends_at), 1))),
                func.count(case((left_within(period.starts_at, period.ends_at), 1))),
            ).group_by(Membership.community_id)
        )
    }
    active = active_members([period])
    events = dict(
        db.session.execute(
            select(Event.community_id, func.count())
            .where(
                Event.cancelled_at.is_(None),
                Event.starts_at >= period.starts_at,
                Event.starts_at < min(period.ends_at, now),
            )
            .group_by(Event.community_id)
        ).all()
    )
    campaigns = dict(
        db.session.execute(
            select(PromotionRequest.community_id, func.count())
            .where(
                PromotionRequest.status.in_(CAMPAIGN_STATUSES),
                PromotionRequest.publish_from <= min(period.end, today),  # opened by then
                PromotionRequest.publish_until >= period.start,
            )
            .group_by(PromotionRequest.community_id)
        ).all()
    )
    communities = db.session.execute(
        select(Community).where(Community.archived_at.is_(None)).order_by(Community.name)
    ).scalars()
    rows = [
        OverviewRow(
            c,
            *members.get(c.id, (0, 0, 0, 0)),
            active=active.get(c.id, [0])[0],
            events=events.get(c.id, 0),
            campaigns=campaigns.get(c.id, 0),
        )
        for c in communities
    ]
    if sort not in OVERVIEW_SORTS:
        sort = "members"
    if descending is None:
        descending = sort != "name"
    return sorted(rows, key=OVERVIEW_SORTS[sort], reverse=descending)
