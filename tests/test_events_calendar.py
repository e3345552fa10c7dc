"""The .ics served for one event and the community feed parse as valid iCalendar."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from community import services as communities
from core.extensions import db
from core.models import utcnow
from events import services
from events.models import EventVisibility
from tests.conftest import make_community, make_user
from tests.test_events_factories import details, make_event

# 18:00 in Kyiv (winter time), always more than a year ahead: a past event cannot be
# cancelled, so a fixed year would fail once it came.
STARTS = datetime(utcnow().year + 2, 3, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def leader(app):
    return make_user("lead@example.com", "Lena Leader")


@pytest.fixture
def community(leader):
    return make_community(leader)


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def entries(calendar: Calendar) -> list:
    return [c for c in calendar.walk("VEVENT")]


def test_one_event_calendar_has_its_zone_and_times(login, leader, community):
    event = make_event(leader, community, starts_at=STARTS, title="Retro night")

    calendar = parse(login(leader).get(f"/events/{event.id}/calendar.ics"))

    (entry,) = entries(calendar)
    assert str(entry["summary"]) == "Retro night"
    assert entry.decoded("dtstart") == STARTS
    assert entry.decoded("dtstart").tzinfo is not None
    assert entry["dtstart"].params["TZID"] == "Europe/Kyiv"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Kyiv"]
    assert str(entry["status"]) == "CONFIRMED"
    assert f"/events/{event.id}" in str(entry["url"])
    assert str(entry["location"]) == "Room 4.02"


def test_event_page_links_add_to_calendar(login, leader, community):
    event = make_event(leader, community)
    page = login(leader).get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}/calendar.ics">Add to calendar</a>' in page


def test_uid_stays_the_same_across_edits_and_cancellation_is_marked(login, leader, community):
    event = make_event(leader, community, starts_at=STARTS)
    client = login(leader)
    before = entries(parse(client.get(f"/events/{event.id}/calendar.ics")))[0]

    services.update_event(leader, event.id, details(starts_at=STARTS, title="Moved retro"))
    db.session.commit()
    services.cancel_event(leader, event.id)
    db.session.commit()
    after = entries(parse(client.get(f"/events/{event.id}/calendar.ics")))[0]

    assert str(after["uid"]) == str(before["uid"])
    assert after["sequence"] > before["sequence"]
    assert str(after["summary"]) == "Moved retro"
    assert str(after["status"]) == "CANCELLED"


def test_community_feed_works_with_the_private_token_and_respects_visibility(
    app, login, leader, community
):
    open_event = make_event(leader, community, title="Open talk")
    private = make_event(
        leader, community, title="Members only", visibility=EventVisibility.MEMBERS
    )
    outsider, member = make_user("out@example.com"), make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()
    feed = f"/communities/{community.slug}/events.ics"

    with app.test_request_context():
        member_token, outsider_token = services.feed_token(member), services.feed_token(outsider)
    as_member = parse(app.test_client().get(f"{feed}?token={member_token}"))
    as_outsider = parse(app.test_client().get(f"{feed}?token={outsider_token}"))

    assert str(as_member["x-wr-calname"]) == community.name
    assert {str(e["summary"]) for e in entries(as_member)} == {"Open talk", "Members only"}
    assert {str(e["summary"]) for e in entries(as_outsider)} == {"Open talk"}
    assert {str(e["uid"]) for e in entries(as_member)} == {
        f"event-{open_event.id}@guildhall",
        f"event-{private.id}@guildhall",
    }


def test_feed_refuses_a_forged_token(app, community):
    response = app.test_client().get(f"/communities/{community.slug}/events.ics?token=forged")
    assert response.status_code == 302 and "/signin" in response.location


def test_feed_of_a_community_whose_name_has_a_line_break_still_parses(app, leader, community):
    community.name = "Project\nManagers"
    make_event(leader, community, starts_at=STARTS, title="Retro night")
    db.session.commit()
    token = services.feed_token(leader)
    calendar = parse(
        app.test_client().get(f"/communities/{community.slug}/events.ics?token={token}")
    )
    assert str(calendar["X-WR-CALNAME"]) == "Project Managers"
