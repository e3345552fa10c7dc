"""Report periods: a calendar month, an ISO week or a range of days, in the site's time zone.

A period is a span of local calendar days; `starts_at` and `ends_at` are its
bounds converted to UTC, so "October" in Kyiv starts at 21:00 UTC on 30 September.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

KINDS = ("month", "week", "range")
EARLIEST = date(2000, 1, 1)  # older dates are typing mistakes, and the previous period must exist
LONGEST_YEARS = 3


class PeriodError(ValueError):
    """A period someone asked for that cannot be reported on; the message is for people."""


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "week" or "range"
    start: date  # first local day
    end: date  # last local day, inclusive
    zone: str = "UTC"  # IANA name of the time zone the days are counted in

    @classmethod
    def containing(cls, kind: str, day: date, zone: str = "UTC") -> "Period":
        if kind == "week":
            start = day - timedelta(days=day.weekday())
            return cls("week", start, start + timedelta(days=6), zone)
        if kind == "month":
            start = day.replace(day=1)
            return cls("month", start, _next_month(start) - timedelta(days=1), zone)
        raise ValueError("a period is a month or a week")

    def previous(self) -> "Period":
        if self.kind == "range":
            length = self.end - self.start
            end = self.start - timedelta(days=1)
            return Period("range", end - length, end, self.zone)
        return Period.containing(self.kind, self.start - timedelta(days=1), self.zone)

    def next(self) -> "Period":
        if self.kind == "range":
            length = self.end - self.start
            start = self.end + timedelta(days=1)
            return Period("range", start, start + length, self.zone)
        return Period.containing(self.kind, self.end + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start, self.zone)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (UTC)."""
        return local_midnight(self.end + timedelta(days=1), self.zone)

    @property
    def key(self) -> str:
        """ "2026-10", "2026-W43" or "2026-01-01_2026-03-31": for file names and CSV headers."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def query(self) -> dict:
        """The URL arguments that ask for this period (see `period_from_args`)."""
        if self.kind == "month":
            return {"period": "month", "month": self.key}
        if self.kind == "week":
            return {"period": "week", "week": self.key}
        return {"period": "range", "start": self.start.isoformat(), "end": self.end.isoformat()}

    def is_under_way(self, today: date) -> bool:
        return self.start <= today <= self.end

    def units(self, kind: str, at_least: int = 1) -> list["Period"]:
        """The months or weeks that cover this period, with earlier ones added to make
        `at_least` of them; the last one ends with this period's last week or month."""
        last = Period.containing(kind, self.end, self.zone)
        units = [last]
        while units[0].start > self.start or len(units) < at_least:
            units.insert(0, units[0].previous())
        return units


def local_midnight(day: date, zone: str) -> datetime:
    """The first moment of a local day, in UTC."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def within(column, period: Period):
    """SQL: the moment in `column` is in the period, from its first moment up to, not
    including, the first moment after it."""
    return and_(column >= period.starts_at, column < period.ends_at)


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


# --- reading a period from what people typed -------------------------------------------


def parse_month(value: str, today: date, zone: str = "UTC") -> Period:
    """ "2026-10" → October 2026; months that have not started are refused."""
    try:
        year, month = value.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(value)
        period = Period.containing("month", date(int(year), int(month), 1), zone)
    except ValueError:
        raise PeriodError(_l("Enter a month as YYYY-MM, e.g. 2026-10.")) from None
    _check_not_too_early(period.start)
    if period.start > today:
        raise PeriodError(
            _l("This month has not started yet; choose this month or an earlier one.")
        )
    return period


def parse_week(value: str, today: date, zone: str = "UTC") -> Period:
    """ "2026-W43" → the ISO week from Monday 19 to Sunday 25 October 2026."""
    try:
        year, separator, week = value.strip().upper().partition("-W")
        if not separator or len(year) != 4 or len(week) != 2:
            raise ValueError(value)
        year, week = int(year), int(week)
        weeks = date(year, 12, 28).isocalendar().week  # 28 December is in the last week
    except ValueError:
        raise PeriodError(_l("Enter a week as YYYY-Www, e.g. 2026-W43.")) from None
    if not 1 <= week <= weeks:
        raise PeriodError(_l("%(year)s has %(weeks)s weeks.", year=year, weeks=weeks))
    monday = date.fromisocalendar(year, week, 1)
    _check_not_too_early(monday)
    if monday > today:
        raise PeriodError(_l("This week has not started yet; choose this week or an earlier one."))
    return Period.containing("week", monday, zone)


def parse_day(value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(_l("Enter a day as YYYY-MM-DD, e.g. 2026-10-01.")) from None
    _check_not_too_early(day)
    return day


def check_range(start: date, end: date, today: date, zone: str = "UTC") -> Period:
    """A range of whole days that has ended by today and is at most three years long.

    Raises PeriodError naming the problem with the last day (the first day is checked
    on its own by `parse_day`)."""
    if end < start:
        raise PeriodError(_l("The last day must not be before the first day."))
    if end > today:
        raise PeriodError(_l("The last day is in the future; choose today or an earlier day."))
    if end >= _years_later(start, LONGEST_YEARS):
        raise PeriodError(_l("A report covers at most three years; choose a shorter range."))
    return Period("range", start, end, zone)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) + timedelta(days=1)


def _check_not_too_early(day: date) -> None:
    if day < EARLIEST:
        raise PeriodError(_l("Choose a date from the year 2000 on."))
