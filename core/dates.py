"""How dates and times read on the site: one format per kind, in the viewer's zone and locale.

A moment reads "Wed, 10 Dec 2026, 18:00" and a day "Wed, 10 Dec 2026" (the words and
order follow the locale), in the viewer's own zone (core/zones.py); a page names the
zone once, where it helps. Only a calendar's grid and a chart's axis say less.
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import LC_TIME, DateTimePattern, match_skeleton, parse_pattern
from flask import Flask
from flask_babel import get_locale, get_timezone


def viewer_zone_name() -> str:
    zone = get_timezone()
    return getattr(zone, "key", None) or getattr(zone, "zone", None) or str(zone)


def in_zone(moment: datetime, zone: str | None = None) -> datetime:
    """`moment` on the clocks of `zone` (the viewer's by default); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone) if zone else get_timezone())


@lru_cache(maxsize=128)
def _pattern(skeleton: str, locale: Locale) -> DateTimePattern:
    """The locale's pattern for a skeleton, parsed once: babel's format_skeleton finds and
    parses it again for every date, a page of fifty replies' worth of its time."""
    skeletons = locale.datetime_skeletons
    if skeleton not in skeletons:
        skeleton = match_skeleton(skeleton, skeletons) or skeleton
    return parse_pattern(skeletons[skeleton])


def format_skeleton(skeleton: str, value: date, locale: Locale | None) -> str:
    """babel.dates.format_skeleton for a value already on the viewer's clocks (outside a
    request, in the default locale as babel's is)."""
    locale = locale or Locale.parse(LC_TIME)
    return _pattern(skeleton, locale).apply(value, locale)


def day_text(local: datetime, year: bool = True) -> str:
    return format_skeleton("yMMMEd" if year else "MMMEd", local, locale=get_locale())


def clock_text(local: datetime) -> str:
    return format_skeleton("Hm", local, locale=get_locale())


def moment_text(moment: datetime | None, zone: str | None = None) -> str:
    """A date and time: "Wed, 10 Dec 2026, 18:00" in the viewer's zone (or `zone`)."""
    if moment is None:
        return ""
    local, locale = in_zone(moment, zone), get_locale()
    return f"{format_skeleton('yMMMEd', local, locale)}, {format_skeleton('Hm', local, locale)}"


def day_of(value: date | datetime | None) -> str:
    """A day: "Wed, 10 Dec 2026"; a moment gives its day in the viewer's zone."""
    if value is None:
        return ""
    return day_text(in_zone(value) if isinstance(value, datetime) else value)


def weekday_text(value: date) -> str:
    """A calendar column's heading: "Wed"."""
    return format_skeleton("E", value, locale=get_locale())


def day_in_month_text(value: date) -> str:
    """A calendar cell's day: "10 Dec"."""
    return format_skeleton("MMMd", value, locale=get_locale())


def register_date_filters(app: Flask) -> None:
    """`datetimeformat` and `dateformat` (Flask-Babel's filters) print every moment, and
    every day, the one way, whatever width a template asked for: a person reads the same
    shape on every page and in every e-mail."""
    app.jinja_env.filters["datetimeformat"] = lambda value, _width=None: moment_text(value)
    app.jinja_env.filters["dateformat"] = lambda value, _width=None: day_of(value)
    app.jinja_env.filters["weekday"] = weekday_text
    app.jinja_env.filters["day_in_month"] = day_in_month_text
