"""The .ics served for one event and the community feed parse as valid iCalendar."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from community import services as communities
from core.extensions import db
from events import feeds, services
from events.models import EventVisibility
from tests.conftest import make_community, make_user
from tests.test_events_factories import details, make_event

STARTS = datetime(2031, 3, 1, 16, 0, tzinfo=UTC)  # 18:00 in Kyiv


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

    member_token, outsider_token = feeds.feed_token(member), feeds.feed_token(outsider)
    as_member = parse(app.test_client().get(f"{feed}?token={member_token}"))
    as_outsider = parse(app.test_client().get(f"{feed}?token={outsider_token}"))

    assert str(as_member["x-wr-calname"]) == community.name
    assert {str(e["summary"]) for e in entries(as_member)} == {"Open talk", "Members only"}
    assert {str(e["summary"]) for e in entries(as_outsider)} == {"Open talk"}
    assert {str(e["uid"]) for e in entries(as_member)} == {
        f"event-{open_event.id}@guildhall",
        f"event-{private.id}@guildhall",
    }


def test_feed_answers_a_bad_token_with_a_plain_404(app, login, leader, community):
    feed = f"/communities/{community.slug}/events.ics"
    for token in ("forged", feeds.feed_token(leader)[:-2] + "xx", ""):
        response = app.test_client().get(f"{feed}?token={token}")
        # Calendar apps do not follow a redirect to a sign-in page: they need a clear refusal.
        assert response.status_code == 404, token
        assert response.location is None
    # A signed-in person's stale link fails too, so they see that it no longer works.
    assert login(leader).get(f"{feed}?token=forged").status_code == 404
    # In a browser, without a token, a signed-out person is asked to sign in.
    response = app.test_client().get(feed)
    assert response.status_code == 302 and "/signin" in response.location


def test_feed_of_a_person_who_left_the_company_answers_404(app, leader, community):
    token = feeds.feed_token(leader)
    leader.active = False
    db.session.commit()
    response = app.test_client().get(f"/communities/{community.slug}/events.ics?token={token}")
    assert response.status_code == 404


def test_feed_of_a_community_whose_name_has_a_line_break_still_parses(app, leader, community):
    community.name = "Project\nManagers"
    make_event(leader, community, starts_at=STARTS, title="Retro night")
    db.session.commit()
    token = feeds.feed_token(leader)
    calendar = parse(
        app.test_client().get(f"/communities/{community.slug}/events.ics?token={token}")
    )
    assert str(calendar["X-WR-CALNAME"]) == "Project Managers"


# --- resetting the feed link ---------------------------------------------------


def test_resetting_the_feed_link_stops_the_old_one(app, login, leader, community):
    make_event(leader, community, starts_at=STARTS, title="Retro night")
    client = login(leader)
    page = client.get(f"/communities/{community.slug}").get_data(as_text=True)
    old = feeds.feed_token(leader)
    assert f"token={old}" in page
    feed = f"/communities/{community.slug}/events.ics"
    assert app.test_client().get(f"{feed}?token={old}").status_code == 200

    response = client.post(f"/communities/{community.slug}/events.ics/reset")

    assert response.status_code == 302
    assert response.location.endswith(f"/communities/{community.slug}")
    new = feeds.feed_token(leader)
    assert new != old
    page = client.get(response.location).get_data(as_text=True)
    assert "the old one no longer works" in page
    assert f"token={new}" in page and f"token={old}" not in page
    assert app.test_client().get(f"{feed}?token={old}").status_code == 404
    assert str(entries(parse(app.test_client().get(f"{feed}?token={new}")))[0]["summary"]) == (
        "Retro night"
    )

    client.post(f"/communities/{community.slug}/events.ics/reset")
    assert app.test_client().get(f"{feed}?token={new}").status_code == 404
    assert app.test_client().get(f"{feed}?token={feeds.feed_token(leader)}").status_code == 200


def test_resetting_one_persons_feed_link_leaves_others_working(app, leader, community):
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()
    token = feeds.feed_token(member)

    feeds.reset_feed_link(leader)
    db.session.commit()

    feed = f"/communities/{community.slug}/events.ics"
    assert app.test_client().get(f"{feed}?token={token}").status_code == 200
