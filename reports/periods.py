"""Report periods: a calendar month or an ISO week, and the one before it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "week"
    start: date  # first day
    end: date  # last day, inclusive

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        if kind == "week":
            start = day - timedelta(days=day.weekday())
            return cls("week", start, start + timedelta(days=6))
        if kind == "month":
            start = day.replace(day=1)
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return cls("month", start, following - timedelta(days=1))
        raise ValueError("a period is a month or a week")

    @classmethod
    def parse(cls, kind: str, value: str | None, today: date) -> "Period":
        """ "2026-10" (month) or "2026-W43" (week); anything unreadable gives today's period."""
        try:
            if kind == "month" and value:
                year, month = value.split("-")
                return cls.containing("month", date(int(year), int(month), 1))
            if kind == "week" and value:
                return cls.containing("week", date.fromisocalendar(*_iso_week(value), 1))
        except ValueError:
            pass
        return cls.containing(kind if kind in ("month", "week") else "month", today)

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return Period.containing(self.kind, self.end + timedelta(days=1))

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def key(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"


def _iso_week(value: str) -> tuple[int, int]:
    year, _, week = value.upper().partition("-W")
    return int(year), int(week)
