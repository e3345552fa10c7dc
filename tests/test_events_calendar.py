"""The .ics served for one event and the community feed parse as valid iCalendar."""

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from accounts.models import User
from community import services as communities
from core.extensions import db
from core.models import utcnow
from events import feeds, planning
from events.models import EventVisibility, FeedLink
from tests.conftest import make_community, make_user, missing_tool
from tests.test_events_concurrency import run_together
from tests.test_events_factories import details, make_event

ROOT = Path(__file__).resolve().parents[1]
ICAL_TIMES = ROOT / "tests" / "ical_times.mjs"

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


def test_one_event_calendar_has_its_times_in_utc(login, leader, community):
    event = make_event(leader, community, starts_at=STARTS, title="Retro night")

    response = login(leader).get(f"/events/{event.id}/calendar.ics")
    calendar = parse(response)

    (entry,) = entries(calendar)
    assert str(entry["summary"]) == "Retro night"
    assert entry.decoded("dtstart") == STARTS
    assert f"DTSTART:{STARTS.year}0301T160000Z".encode() in response.data
    assert f"DTEND:{STARTS.year}0301T180000Z".encode() in response.data
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

    planning.update_event(leader, event.id, details(starts_at=STARTS, title="Moved retro"))
    db.session.commit()
    planning.cancel_event(leader, event.id)
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
        # A short text: no site page that echoes the token back, and no cookie.
        assert response.get_data(as_text=True) == "Not found\n"
        assert "Set-Cookie" not in response.headers
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


# --- as calendar apps read it ---------------------------------------------------

# 18:00 local on a winter and a summer day, in zones with daylight saving time.
WINTER_AND_SUMMER = [
    ("Europe/Kyiv", datetime(2031, 1, 15, 18, 0)),  # +02:00
    ("Europe/Kyiv", datetime(2031, 7, 15, 18, 0)),  # +03:00
    ("America/New_York", datetime(2031, 1, 15, 18, 0)),  # -05:00
    ("America/New_York", datetime(2031, 7, 15, 18, 0)),  # -04:00
]


def read_with_ical_js(ics: bytes) -> dict[str, tuple[str, str]]:
    """Each event's start and end in UTC, as ical.js (Thunderbird, web calendars) reads them."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        missing_tool("node or ical.js is missing (`npm install`)")
    done = subprocess.run(
        [node, str(ICAL_TIMES)], input=ics, capture_output=True, cwd=ROOT, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return {e["uid"]: (e["start"], e["end"]) for e in json.loads(done.stdout)}


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_calendar_apps_read_winter_and_summer_times_in_daylight_saving_zones(
    app, login, leader, community
):
    planned = {}
    for zone, local in WINTER_AND_SUMMER:
        starts = local.replace(tzinfo=ZoneInfo(zone))
        event = make_event(
            leader, community, starts_at=starts.astimezone(UTC), timezone=zone,
            title=f"{zone} {local:%B}",
        )  # fmt: skip
        planned[f"event-{event.id}@guildhall"] = (
            utc_iso(starts), utc_iso(starts + timedelta(hours=2))
        )  # fmt: skip

    feed = app.test_client().get(
        f"/communities/{community.slug}/events.ics?token={feeds.feed_token(leader)}"
    )
    parse(feed)
    assert read_with_ical_js(feed.data) == planned

    client = login(leader)
    for uid, times in planned.items():
        event_id = uid.removeprefix("event-").removesuffix("@guildhall")
        one = client.get(f"/events/{event_id}/calendar.ics")
        parse(one)
        assert read_with_ical_js(one.data) == {uid: times}


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
    assert response.location.endswith(f"/communities/{community.slug}#calendar-feed")
    new = feeds.feed_token(leader)
    assert new != old
    page = client.get(response.location).get_data(as_text=True)
    assert "The old link no longer works for any of your communities" in page
    assert f"token={new}" in page and f"token={old}" not in page
    assert app.test_client().get(f"{feed}?token={old}").status_code == 404
    assert str(entries(parse(app.test_client().get(f"{feed}?token={new}")))[0]["summary"]) == (
        "Retro night"
    )

    client.post(f"/communities/{community.slug}/events.ics/reset")
    assert app.test_client().get(f"{feed}?token={new}").status_code == 404
    assert app.test_client().get(f"{feed}?token={feeds.feed_token(leader)}").status_code == 200


def test_resetting_asks_first_and_changes_nothing_until_confirmed(app, login, leader, community):
    old = feeds.feed_token(leader)
    page = login(leader).get(f"/communities/{community.slug}/events.ics/reset")
    assert page.status_code == 200
    assert "Reset your calendar feed link?" in page.get_data(as_text=True)
    assert feeds.feed_token(leader) == old


def test_calendars_are_kept_by_no_shared_cache(app, login, leader, community):
    event = make_event(leader, community, starts_at=STARTS)
    feed = app.test_client().get(
        f"/communities/{community.slug}/events.ics?token={feeds.feed_token(leader)}"
    )
    one = login(leader).get(f"/events/{event.id}/calendar.ics")
    page = login(leader).get(f"/communities/{community.slug}")
    assert feed.headers["Cache-Control"] == one.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Cache-Control"].startswith("private")


def test_resetting_one_persons_feed_link_leaves_others_working(app, leader, community):
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()
    token = feeds.feed_token(member)

    feeds.reset_feed_link(leader)
    db.session.commit()

    feed = f"/communities/{community.slug}/events.ics"
    assert app.test_client().get(f"{feed}?token={token}").status_code == 200


def test_resets_at_once_all_count_and_none_fails(app, leader, community):
    user_id, old = leader.id, feeds.feed_token(leader)

    def reset():
        feeds.reset_feed_link(db.session.get(User, user_id))

    errors = run_together(app, [reset] * 8)  # a person double-clicking, several times over

    assert errors == []
    assert db.session.get(FeedLink, user_id).generation == 8
    assert feeds.user_for_feed_token(old) is None
    assert feeds.user_for_feed_token(feeds.feed_token(db.session.get(User, user_id))).id == user_id
