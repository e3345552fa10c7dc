"""Campaigns: briefs whose publication windows ran in a period, what they did to the
community's members, and where their windows fall on the growth chart."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from community.models import Community
from core.bounds import LAST_DAY
from core.extensions import db
from promotions.models import BriefStatus, PromotionRequest
from reports.periods import Period, local_midnight

# Briefs that SMM put on the calendar: their publication windows are campaigns that ran
# (or will run); drafts and declined requests never reached anyone.
CAMPAIGN_STATUSES = (
    BriefStatus.SCHEDULED,
    BriefStatus.RUNNING,
    BriefStatus.REPORTED,
    BriefStatus.CLOSED,
)
# What stayed of a campaign's lift is read this long after its window.
AFTER_A_CAMPAIGN = timedelta(days=30)


# --- campaigns -------------------------------------------------------------------------


def campaigns_between(community: Community, first_day: date, last_day: date):
    """The community's briefs whose publication window touches these days, oldest first.

    Pass today as `last_day` at the latest: a window that has not opened yet published
    nothing, and its "members before" would be a moment still to come."""
    return list(
        db.session.execute(
            select(PromotionRequest)
            .where(
                PromotionRequest.community_id == community.id,
                PromotionRequest.status.in_(CAMPAIGN_STATUSES),
                PromotionRequest.publish_from.is_not(None),
                PromotionRequest.publish_until.is_not(None),
                PromotionRequest.publish_from <= last_day,
                PromotionRequest.publish_until >= first_day,
            )
            .order_by(PromotionRequest.publish_from, PromotionRequest.id)
        ).scalars()
    )


def ran_in(brief: PromotionRequest, period: Period) -> bool:
    return brief.publish_from <= period.end and brief.publish_until >= period.start


@dataclass(frozen=True)
class CampaignLift:
    """Members when a campaign's window opened, when it closed, and a month later."""

    before: int
    after: int
    later: int | None  # None until a month has passed

    @property
    def lift(self) -> int:
        return self.after - self.before

    @property
    def kept(self) -> int | None:
        return None if self.later is None else self.later - self.before


def lift_moments(brief: PromotionRequest, zone: str, now: datetime) -> list[datetime]:
    opened = local_midnight(brief.publish_from, zone)
    # A window saved before the form bounded it may end on 9999-12-31, the calendar's last day.
    closed = local_midnight(min(brief.publish_until, LAST_DAY) + timedelta(days=1), zone)
    later = closed + AFTER_A_CAMPAIGN
    return [opened, min(closed, now), later] if later <= now else [opened, min(closed, now)]


def window_on_chart(units: list[Period], first_day: date, last_day: date):
    """Where the days from `first_day` to `last_day` fall on a chart whose point i is the
    count at the end of `units[i]`: (from, to) in points, from 0 to len(units) - 1, or None
    when the window is off the chart. A unit's days run from its previous point to its own.
    """
    if not units or last_day < units[0].start or first_day > units[-1].end:
        return None
    last_day = min(last_day, units[-1].end)  # the day after 9999-12-31 does not exist

    def position(day: date) -> float:  # the first moment of `day`
        for i, unit in enumerate(units):
            if day <= unit.end:
                return i - 1 + max((day - unit.start).days, 0) / unit.days
        return len(units) - 1

    low = max(position(first_day), 0.0)
    high = min(position(last_day + timedelta(days=1)), len(units) - 1.0)
    narrowest = 0.15  # a one-day campaign on a monthly chart still shows
    if high - low < narrowest:
        middle = min(max((low + high) / 2, narrowest / 2), len(units) - 1 - narrowest / 2)
        low, high = middle - narrowest / 2, middle + narrowest / 2
    return round(low, 3), round(high, 3)
