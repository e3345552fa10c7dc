"""Time zones: the IANA names people and events may choose, and the viewer's own zone."""

from functools import cache
from importlib import resources
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
    # (`in`, not `&`: pytz's set fills itself on first use, and `&` reads it unfilled.)
    return frozenset(name for name in available_timezones() if name in all_timezones_set)


@cache
def _renamed() -> dict[str, str]:
    """Old and alternative names → the zone's current name ("Europe/Kiev" → "Europe/Kyiv"),
    from the IANA database's links, as the tzdata package ships them ("L <zone> <link>")."""
    data = resources.files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text("utf-8")
    return {
        fields[2]: fields[1]
        for fields in (line.split() for line in data.splitlines())
        if len(fields) == 3 and fields[0] == "L"
    }


def canonical_zone(name: str | None) -> str | None:
    """The zone's current name: browsers still report "Europe/Kiev", and people in Kyiv
    should read their city's name as it is written now."""
    current = _renamed().get(name) if name else None
    current = "UTC" if current == "Etc/UTC" else current  # UTC is offered by that name
    return current if current in _offered() else name


@cache
def time_zone_names() -> list[str]:
    """The zones offered in a select: regions' cities by their current names, and UTC
    (no old spellings beside the new, no "Etc/GMT+3", which means three hours behind)."""
    return sorted(
        name
        for name in known_zones()
        if name == "UTC" or ("/" in name and not name.startswith("Etc/") and name not in _renamed())
    )


@cache
def _offered() -> frozenset[str]:
    return frozenset(time_zone_names())


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
    if is_time_zone(zone):
        return canonical_zone(zone)
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE")
