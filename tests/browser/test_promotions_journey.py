"""A leader files a promotion request, SMM asks for changes, accepts it and plans two posts.

The request promotes an event when events are a registered subject, else a
community achievement (from the community page's "New promotion request").
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from core.models import utcnow
from promotions import channel_list
from promotions.subjects import subject_kinds
from tests.browser.conftest import pages_seen, sign_in, sign_out
from tests.conftest import make_community, make_user


def test_request_goes_from_leader_to_smm_and_onto_the_calendar(page, live_server, tmp_path):
    live_server.app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")

    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        make_user("smm@example.com", "Sam Smm", is_smm=True)
        community = make_community(leader, "Project Managers")
        channel_list.ensure_default_channels()
        if "event" in subject_kinds():
            from tests.test_events_factories import make_event

            starts = utcnow().replace(microsecond=0) + timedelta(days=14)
            return make_event(leader, community, starts_at=starts, registration_goal=40).id
        return None

    event_id = live_server.setup(world)
    today = utcnow().date()

    sign_in(page, "lead@example.com")
    if event_id is not None:
        page.goto(f"/promotions/new/event/{event_id}")
        expect(page.get_by_label("Target number")).to_have_value("40")
        expect(page.get_by_label("Objective")).to_have_value("registrations")
    else:
        page.goto("/communities/project-managers")
        page.get_by_role("link", name="New promotion request").click()
        page.get_by_label("Objective").select_option(label="Leads")
        page.get_by_label("Target number").fill("40")
    page.get_by_label("What is promoted").fill("Charity Book Sale")
    page.get_by_label("Key message").fill("Exchange a book for a donation.")
    page.get_by_label("Audience").select_option(label="Both")
    page.get_by_label("Instagram").check()
    # The window starts today: the posts below go out today, inside it, in this week's calendar.
    page.get_by_label("Content deadline").fill(today.isoformat())
    page.get_by_label("Publication starts").fill(today.isoformat())
    page.get_by_label("Publication ends").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("References").fill("https://example.org/book-exchange")
    page.get_by_label("Report frequency").select_option(label="Weekly")
    page.get_by_role("button", name="Submit to SMM").click()
    expect(page.get_by_text("Sent to SMM.")).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    sign_out(page)

    sign_in(page, "smm@example.com")
    expect(page.get_by_role("link", name=re.compile(r"Notifications 1"))).to_be_visible()
    page.get_by_role("link", name="Promotions").click()
    page.get_by_role("link", name="Charity Book Sale").click()
    page.get_by_label("Reason").fill("Please add the catalog link to the references.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Changes requested:")).to_be_visible()
    sign_out(page)

    sign_in(page, "lead@example.com")
    page.get_by_role("link", name=re.compile(r"Notifications 1")).click()
    # The one notifications page: opening the news leads to the brief.
    page.get_by_role(
        "button", name=re.compile(r"A promotion brief changed: Charity Book Sale")
    ).click()
    page.get_by_role("link", name="Edit request").click()
    expect(page.get_by_text("Please add the catalog link")).to_be_visible()
    page.get_by_label("References").fill(
        "https://example.org/book-exchange\nhttps://example.org/catalog"
    )
    page.get_by_role("button", name="Submit to SMM").click()
    expect(page.get_by_text("Sent to SMM.")).to_be_visible()
    sign_out(page)

    sign_in(page, "smm@example.com")
    page.get_by_role("link", name="Promotions").click()
    page.get_by_role("link", name="Charity Book Sale").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The brief is now: Accepted.")).to_be_visible()
    for hour, note in ((10, "Photo of the shelf"), (17, "Link to the Facebook post")):
        page.get_by_label("Channel").select_option(label="Instagram")
        page.get_by_label("Format").select_option(label="Story")
        page.get_by_label("Date and time").fill(f"{today.isoformat()}T{hour:02d}:00")
        page.get_by_label("Notes").fill(note)
        page.get_by_role("button", name="Add planned post").click()
        expect(page.get_by_text("Planned post added.")).to_be_visible()
    expect(page.get_by_text("Scheduled", exact=True)).to_be_visible()

    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", name="Content calendar")).to_be_visible()
    expect(page.get_by_role("link", name="Charity Book Sale")).to_have_count(2)
    assert pages_seen(page) >= 15
