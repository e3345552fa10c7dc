"""How dates and times read on the site: one format per kind, in the viewer's zone and locale.

A moment reads "Wed, 10 Dec 2026, 18:00" (the words and order follow the locale), in the
viewer's own zone (core/zones.py); a page names the zone once, where it helps.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
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


def day_text(local: datetime, year: bool = True) -> str:
    return format_skeleton("yMMMEd" if year else "MMMEd", local, locale=get_locale())


def clock_text(local: datetime) -> str:
    return format_skeleton("Hm", local, locale=get_locale())


def moment_text(moment: datetime | None, zone: str | None = None) -> str:
    """A date and time: "Wed, 10 Dec 2026, 18:00" in the viewer's zone (or `zone`)."""
    if moment is None:
        return ""
    local = in_zone(moment, zone)
    return f"{day_text(local)}, {clock_text(local)}"


def register_date_filters(app: Flask) -> None:
    """`datetimeformat` (Flask-Babel's filter) prints every moment the one way, whatever
    width a template asked for: a person reads the same shape on every page."""
    app.jinja_env.filters["datetimeformat"] = lambda value, _width=None: moment_text(value)
