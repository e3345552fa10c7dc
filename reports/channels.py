"""How a community's channels elsewhere grew over periods, from their member-count snapshots."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from community.models import ChannelSnapshot, Community, ExternalChannel
from core.extensions import db
from reports.percent import percent_change
from reports.periods import Period

# --- external channels -----------------------------------------------------------------


@dataclass(frozen=True)
class ChannelGrowth:
    name: str
    url: str
    at_start: int | None  # the last count recorded on or before the period's first day
    at_end: int | None  # the last count recorded on or before its last day

    @property
    def growth_percent(self) -> float | None:
        if self.at_start is None or self.at_end is None:
            return None
        return percent_change(self.at_start, self.at_end)


def channels_growth(community: Community, periods: list[Period]) -> list[list[ChannelGrowth]]:
    """Each external channel's member count at the start and end of each period, from the
    snapshots, in one query. When the first count came during a period, it is the start."""
    snapshots = db.session.execute(
        select(
            ExternalChannel.id,
            ExternalChannel.name,
            ExternalChannel.url,
            ChannelSnapshot.taken_on,
            ChannelSnapshot.member_count,
        )  # fmt: skip
        .outerjoin(ChannelSnapshot, ChannelSnapshot.channel_id == ExternalChannel.id)
        .where(ExternalChannel.community_id == community.id)
        .order_by(ExternalChannel.name, ExternalChannel.id, ChannelSnapshot.taken_on)
    ).all()
    channels: dict[int, tuple[str, str, list]] = {}
    for channel_id, name, url, taken_on, count in snapshots:
        history = channels.setdefault(channel_id, (name, url, []))[2]
        if taken_on is not None:
            history.append((taken_on, count))
    return [
        [_growth_in(name, url, history, period) for name, url, history in channels.values()]
        for period in periods
    ]


def _growth_in(name: str, url: str, history: list[tuple[date, int]], period: Period):
    start = end = None
    for taken_on, count in history:  # oldest first
        if taken_on <= period.start or (start is None and taken_on <= period.end):
            start = count
        if taken_on <= period.end:
            end = count
    return ChannelGrowth(name, url, start, end)


def channel_growth(community: Community, period: Period) -> list[ChannelGrowth]:
    return channels_growth(community, [period])[0]
