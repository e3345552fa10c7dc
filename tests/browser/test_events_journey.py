"""A leader plans an event with one seat; a waitlisted employee gets it when the first cancels."""

from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import pages_seen, sign_in, sign_out
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event


def switch_to(page, email: str) -> None:
    sign_out(page)
    sign_in(page, email)


def test_one_seat_goes_to_the_waitlisted_employee_when_the_first_cancels(page, live_server):
    def world():
        make_community(make_user("lead@example.com", "Lena Leader"), "Project Managers")
        make_user("ann@example.com", "Ann Early")
        make_user("bob@example.com", "Bob Later")

    live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Project Managers").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Retro night")
    page.get_by_label("Starts", exact=True).fill("2031-03-01T18:00")
    page.get_by_label("Ends", exact=True).fill("2031-03-01T20:00")
    page.get_by_label("Time zone").select_option("Europe/Kyiv")
    page.get_by_label("Capacity").fill("1")
    page.get_by_label("Registration goal").fill("5")
    page.get_by_label("Who can see it").select_option(label="All employees")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("Event Retro night is planned.")).to_be_visible()
    expect(page.get_by_text("1 seat left")).to_be_visible()
    event_url = page.url

    switch_to(page, "ann@example.com")
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Retro night").click()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered", exact=True)).to_be_visible()
    expect(page.get_by_text("0 seats left")).to_be_visible()

    switch_to(page, "bob@example.com")
    page.goto(event_url)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are on the waitlist (position 1)")).to_be_visible()

    switch_to(page, "ann@example.com")
    page.goto(event_url)
    page.get_by_role("button", name="Cancel registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Register")).to_be_visible()

    switch_to(page, "bob@example.com")
    page.goto(event_url)
    expect(page.get_by_text("You are registered", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Cancel registration")).to_be_visible()

    switch_to(page, "lead@example.com")
    page.goto(event_url)
    page.get_by_role("link", name="Attendees").click()
    expect(page.get_by_role("row", name="Bob Later")).to_contain_text("registered")
    expect(page.get_by_role("row", name="Ann Early")).to_contain_text("cancelled")
    assert pages_seen(page) >= 12


def test_add_to_calendar_downloads_the_event_ics(page, live_server, tmp_path):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        return make_event(leader, make_community(leader, "Project Managers"), title="Retro").id

    event_id = live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.goto(f"/events/{event_id}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar").click()
    download = download_info.value
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename == f"event-{event_id}.ics"
    calendar = Calendar.from_ical(saved.read_bytes())
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Retro"
    assert entry["dtstart"].to_ical().endswith(b"Z")  # in UTC, read alike by every app


def test_a_person_resets_their_calendar_feed_link(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        make_event(leader, make_community(leader, "Project Managers"), title="Retro")

    live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Project Managers").click()
    feed = page.get_by_role("link", name="Calendar feed")
    old = feed.get_attribute("href")
    assert page.request.get(old).status == 200

    page.get_by_role("link", name="Reset feed link").click()
    expect(page.get_by_role("heading", name="Reset your calendar feed link?")).to_be_visible()
    page.get_by_role("button", name="Reset feed link").click()
    expect(page.get_by_text("Your calendar feed link has been reset")).to_be_visible()
    new = feed.get_attribute("href")
    assert new != old
    assert page.request.get(new).status == 200
    assert page.request.get(old).status == 404
