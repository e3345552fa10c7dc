"""Time zones: the IANA names people and events may choose, and the viewer's own zone."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, has_request_context
from flask_login import current_user
from pytz import all_timezones_set
from wtforms import SelectChoice


@cache
def known_zones() -> frozenset[str]:
    # available_timezones() walks the whole tz database on disk each call (tens of ms);
    # every time shown on a page may ask, so read it once per process. Only names pytz
    # knows too: Flask-Babel reads the viewer's zone with it, and an unknown one fails
    # every page that shows a date ("localtime", "Factory", or a zone newer than pytz).
    return frozenset(available_timezones()) & all_timezones_set


@cache
def time_zone_names() -> list[str]:
    """The zones offered in a select: regions' cities, and UTC."""
    return sorted(name for name in known_zones() if "/" in name or name == "UTC")


def time_zone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name.replace("_", " ")) for name in time_zone_names()]


def is_time_zone(name: str | None) -> bool:
    return bool(name) and name in known_zones()


def site_zone() -> ZoneInfo:
    """The site's own zone: the days of briefs' windows and the content calendar."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))


def select_timezone() -> str | None:
    """Flask-Babel's zone: the signed-in person's own, else the site default (None)."""
    if not has_request_context():
        return None
    zone = getattr(current_user, "time_zone", None)
    return zone if is_time_zone(zone) else current_app.config.get("BABEL_DEFAULT_TIMEZONE")
