"""A leader opens a public catalog; an outside person offers one book and requests another;
the leader approves, confirms the donation, and the totals follow."""

import re

from playwright.sync_api import expect

from core.extensions import db
from initiatives import catalog_items, editing
from initiatives.models import InitiativeKind, InitiativeStatus
from tests.browser.conftest import pages_seen, sign_in, sign_out
from tests.conftest import make_community, make_user


def test_outside_participant_takes_part_and_leader_confirms_the_donation(
    page, live_server, tmp_path
):
    live_server.app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")

    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        community = make_community(leader, "Project Managers")
        sale = editing.create_initiative(
            leader,
            community,
            title="Charity Book Sale",
            kind=InitiativeKind.CATALOG,
            status=InitiativeStatus.ACTIVE,
            is_public=True,
            beneficiary="Children's Hospital Fund",
            suggested_donation=350,
        )
        for title, category in [("Drive", "Leadership"), ("Scrum", "Agile & Scrum")]:
            catalog_items.offer_item(sale, title=title, category=category, user=leader)
        db.session.flush()
        return sale.id

    initiative_id = live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.get_by_role("link", name="Communities", exact=True).click()  # from the home page
    page.get_by_role("link", name="Project Managers").first.click()
    page.get_by_role("link", name="Charity Book Sale").click()
    expect(page.get_by_text("Public page")).to_be_visible()
    expect(page.get_by_text("0 of 2 exchanged · 0 UAH")).to_be_visible()
    public_link = page.get_by_role("link", name=re.compile(r"public.initiatives.\d+$"))
    public_url = public_link.get_attribute("href")
    sign_out(page)

    # An outside person, signed out, on the public page.
    page.goto(public_url)
    expect(page.get_by_role("heading", name="Charity Book Sale")).to_be_visible()
    page.get_by_role("link", name="Offer a book").click()
    page.get_by_label("Book title").fill("Peopleware")
    page.get_by_label("Author").fill("Tom DeMarco, Timothy Lister")
    page.get_by_label("Category").select_option("PMBOK")
    page.get_by_label("Your name").fill("Olha Outside")
    page.get_by_label("Email", exact=True).fill("olha@elsewhere.example")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Offer a book").click()
    expect(page.get_by_text("will check your book")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Peopleware"))).to_have_count(0)

    page.get_by_role("row", name=re.compile("Drive")).get_by_role(
        "link", name="Request this book"
    ).click()
    page.get_by_label("Pledged donation").fill("400")
    page.get_by_label("Your name").fill("Olha Outside")
    page.get_by_label("Email", exact=True).fill("olha@elsewhere.example")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Request this book").click()
    expect(page.get_by_text("The book is reserved for you.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Drive"))).to_have_count(0)

    # The leader approves the offered book and confirms the donation.
    sign_in(page, "lead@example.com")
    page.goto(f"/initiatives/{initiative_id}")
    page.get_by_role("link", name="Review them").click()
    page.get_by_role("row", name=re.compile("Peopleware")).get_by_role(
        "button", name="Approve"
    ).click()
    expect(page.get_by_text("The book is in the catalog now.")).to_be_visible()
    page.goto(f"/initiatives/{initiative_id}")
    drive = page.get_by_role("row", name=re.compile("Drive"))
    expect(drive).to_contain_text("Reserved by Olha Outside")
    drive.get_by_role("link", name="Confirm donation").click()
    expect(page.get_by_label("Donation received")).to_have_value("400.00")
    page.get_by_role("button", name="Confirm donation").click()
    expect(page.get_by_text("Donation confirmed")).to_be_visible()
    expect(page.get_by_text("1 of 3 exchanged · 400 UAH")).to_be_visible()

    page.get_by_role("link", name="Leads").click()
    expect(page.get_by_role("row", name=re.compile("Olha Outside"))).to_have_count(2)
    assert pages_seen(page) >= 10


def test_an_employee_says_im_in_and_im_out_on_a_general_initiative(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        make_user("emma@example.com", "Emma Employee")
        community = make_community(leader, "Project Managers")
        circle = editing.create_initiative(
            leader, community, title="Mentoring circle", kind=InitiativeKind.GENERAL,
            status=InitiativeStatus.ACTIVE, target=10,
        )  # fmt: skip
        db.session.flush()
        return circle.id

    initiative_id = live_server.setup(world)
    sign_in(page, "emma@example.com")
    page.goto(f"/initiatives/{initiative_id}")
    expect(page.get_by_text("0 people interested · target 10")).to_be_visible()
    page.get_by_role("button", name="I'm in").click()
    expect(page.get_by_text("You are in", exact=True)).to_be_visible()
    expect(page.get_by_text("1 person interested · target 10")).to_be_visible()
    page.get_by_role("button", name="I'm out").click()
    expect(page.get_by_text("0 people interested · target 10")).to_be_visible()
    expect(page.get_by_role("button", name="I'm in")).to_be_visible()
    assert pages_seen(page) >= 3
