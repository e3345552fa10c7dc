"""A new employee signs up, joins a community, sees themselves listed, and leaves."""

import re

from playwright.sync_api import expect

from community.models import JoinPolicy
from tests.browser.conftest import pages_seen, sign_in, sign_out
from tests.conftest import make_community, make_user
from tests.test_accounts_confirmation import confirmation_link


def test_sign_up_join_and_leave_a_community(page, live_server):
    live_server.setup(
        lambda: make_community(make_user("lead@example.com", "Lena Leader"), "Project Managers")
    )

    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Name").fill("Nina Newcomer")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("a strong password")
    page.get_by_label("Repeat password").fill("a strong password")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.goto(live_server.setup(lambda: confirmation_link("nina@example.com")))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Welcome to Guildhall, Nina Newcomer!")).to_be_visible()

    sign_out(page)
    sign_in(page, "nina@example.com", "a strong password")
    page.get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Project Managers").click()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Welcome to Project Managers!")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"^Members \(")).click()
    expect(page.get_by_role("cell", name="Nina Newcomer")).to_be_visible()

    page.get_by_role("link", name="Project Managers").click()
    page.get_by_role("button", name="Leave").click()
    expect(page.get_by_text("You left Project Managers.")).to_be_visible()
    expect(page.get_by_role("button", name="Join")).to_be_visible()
    assert pages_seen(page) >= 8


def test_leader_approves_a_request_and_promotes_the_member(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        make_user("quinn@example.com", "Quinn Tester")
        make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)

    live_server.setup(world)

    sign_in(page, "quinn@example.com")
    page.goto("/communities/qa-guild")
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("Your request to join is waiting for approval.")).to_be_visible()
    sign_out(page)

    sign_in(page, "lead@example.com")
    page.goto("/communities/qa-guild/members")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Quinn Tester is now a member.")).to_be_visible()
    page.get_by_role("row", name=re.compile("Quinn Tester")).get_by_role(
        "button", name="Make leader"
    ).click()
    expect(page.get_by_role("row", name=re.compile("Quinn Tester"))).to_contain_text("Leader")
