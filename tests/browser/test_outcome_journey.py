"""SMM makes a tracked link for a post; a colleague follows it and registers for the event;
the brief's outcome page counts one registration from that channel."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect

from core.extensions import db
from core.models import utcnow
from promotions import services
from promotions.models import BriefStatus, Objective, PostFormat
from promotions.subjects import load_subject
from tests.browser.conftest import sign_in, sign_out
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import channel, complete_fields


def test_link_to_registration_to_outcome(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        smm = make_user("smm@example.com", "Sam Smm", is_smm=True)
        make_user("vera@example.com", "Vera Visitor")
        community = make_community(leader, "Project Managers")
        starts = utcnow().replace(microsecond=0) + timedelta(days=20)
        event = make_event(leader, community, starts_at=starts, title="Agile retro clinic")
        today = utcnow().date()
        fields = complete_fields(
            title="Agile retro clinic", objective=Objective.REGISTRATIONS, target=5,
            channels=[channel("Instagram")], content_deadline=today,
            publish_from=today + timedelta(days=1),
            publish_until=today + timedelta(days=10),
        )  # fmt: skip
        # Each step its own transaction, as on the site: the services lock the brief first.
        brief = services.create_request(leader, load_subject("event", event.id), fields)
        db.session.commit()
        services.submit(leader, brief)
        db.session.commit()
        services.transition(smm, brief, BriefStatus.ACCEPTED)
        db.session.commit()
        services.add_planned_post(
            smm, brief, brief.channels[0], PostFormat.STORY, utcnow() + timedelta(days=2), "Story"
        )
        db.session.commit()
        services.transition(smm, brief, BriefStatus.RUNNING)
        return brief.id, event.id

    brief_id, event_id = live_server.setup(world)

    sign_in(page, "smm@example.com")
    page.goto(f"/promotions/{brief_id}")
    page.get_by_role("link", name="Outcome").click()
    page.get_by_role("button", name=re.compile("Create tracked link")).click()
    expect(page.get_by_text("Tracked link created.")).to_be_visible()
    address = page.locator("#posts code").first.inner_text()
    assert "/go/" in address
    sign_out(page)

    sign_in(page, "vera@example.com")
    page.goto(urlsplit(address).path)  # the site is served on another port in tests
    expect(page).to_have_url(re.compile(rf"/events/{event_id}$"))
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered", exact=True)).to_be_visible()
    sign_out(page)

    sign_in(page, "lead@example.com")
    page.goto(f"/promotions/{brief_id}/outcome")
    channels = page.get_by_role("table").filter(has_text="Conversion")
    row = channels.get_by_role("row", name=re.compile("^Instagram"))
    expect(row).to_contain_text("1")
    expect(row.get_by_role("cell").nth(2)).to_have_text("1")  # registrations
    expect(page.get_by_text("of the target")).to_be_visible()


def test_references_follow_the_objective_chosen_on_the_request_form(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        community = make_community(leader, "Project Managers")
        starts = utcnow().replace(microsecond=0) + timedelta(days=20)
        event = make_event(leader, community, starts_at=starts, title="Agile retro clinic")
        today = utcnow().date()
        for objective, title in [
            (Objective.REGISTRATIONS, "Webinar that filled up"),
            (Objective.LEADS, "Book sale that brought 44 leads"),
        ]:
            fields = complete_fields(
                title=title, objective=objective, target=5, channels=[channel("Instagram")],
                content_deadline=today, publish_from=today + timedelta(days=1),
                publish_until=today + timedelta(days=10),
            )  # fmt: skip
            past = services.create_request(leader, load_subject("event", event.id), fields)
            past.final_actual, past.status = 9, BriefStatus.CLOSED
        return event.id

    event_id = live_server.setup(world)
    sign_in(page, "lead@example.com")
    page.goto(f"/promotions/new/event/{event_id}")
    registrations = page.locator("details[data-objective=registrations]")
    leads = page.locator("details[data-objective=leads]")
    expect(registrations).to_have_attribute("open", "")  # the event's objective, from the server
    expect(page.get_by_text("Book sale that brought 44 leads")).to_be_hidden()
    page.get_by_label("Objective").select_option(label="Leads")
    expect(leads).to_have_attribute("open", "")
    expect(page.get_by_text("Book sale that brought 44 leads")).to_be_visible()
    expect(registrations).not_to_have_attribute("open", "")
