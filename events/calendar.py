"""iCalendar files: one event, or a community's feed that calendar apps subscribe to."""

from datetime import UTC

from flask import url_for
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.models import utcnow
from events.models import Event

PRODUCT_ID = "-//Guildhall//Community events//EN"


def uid(event: Event) -> str:
    # Derived from the id only, so a calendar app recognises the event after edits.
    return f"event-{event.id}@guildhall"


def _entry(event: Event) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", uid(event))
    entry.add("dtstamp", utcnow())
    # In UTC ("...Z"), which every app reads alike and shows in its own zone. A VTIMEZONE
    # would have to list each change of the event's zone, and icalendar writes them as one
    # RDATE list, of which ical.js (Thunderbird, web calendars) and vobject read only the
    # first value: a daylight-saving zone came out an hour off for half the year.
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    entry.add("sequence", event.sequence)
    entry.add("last-modified", event.updated_at)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    page = url_for("events.show", event_id=event.id, _external=True)
    entry.add("url", page)
    description = event.description
    if event.online_url:
        description = f"{event.online_url}\n\n{description}"
    entry.add("description", f"{description}\n\n{page}".strip())
    if event.place or event.online_url:
        entry.add("location", event.place or event.online_url)
    return entry


def calendar_for(events: list[Event], name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # A feed and a file sent by e-mail alike publish (RFC 5546); the mail part then
    # says method=PUBLISH too (RFC 6047), which some mail programs need to offer it.
    calendar.add("method", "PUBLISH")
    if name:
        # icalendar does not escape this X- property: a line break would break the feed.
        calendar.add("x-wr-calname", " ".join(name.split()))
    for event in events:
        calendar.add_component(_entry(event))
    return calendar.to_ical()
