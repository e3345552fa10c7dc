"""A member asks a question, a colleague replies quoting it, the asker accepts the answer
and the question leaves "Unanswered"; an idea gets two votes and a status; the read mark
is posted by the page's static script. At 1280 and 390 px wide, axe-checked."""

import pytest
from playwright.sync_api import expect

from community import services as communities
from tests.browser.conftest import fits, sign_in
from tests.conftest import make_community, make_user


def switch_to(page, email: str) -> None:
    """Another person at the same browser (at 390 px the menu with "Sign out" is folded)."""
    page.context.clear_cookies()
    sign_in(page, email)


@pytest.fixture
def people(live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        community = make_community(leader, "Project Managers")
        for email, name in [("ann@example.com", "Ann Asker"), ("bob@example.com", "Bob Helper")]:
            communities.join_community(make_user(email, name), community)

    live_server.setup(world)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_question_is_answered_accepted_and_leaves_unanswered(page, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "ann@example.com")
    page.goto("/communities/project-managers")
    fits(page)
    page.get_by_role("link", name="New post").first.click()
    fits(page)
    page.get_by_label("Kind").select_option(label="Question")
    page.get_by_label("Title").fill("Is PMBOK 7 worth it?")
    page.get_by_label("Body").fill("Our PMO still uses the **6th** edition.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is published.")).to_be_visible()
    question_url = page.url

    switch_to(page, "bob@example.com")
    page.goto("/communities/project-managers/posts?filter=unanswered")
    expect(page.get_by_text("New", exact=True)).to_be_visible()
    page.get_by_role("link", name="Is PMBOK 7 worth it?").click()
    # The static script posts the read mark and takes the button away.
    expect(page.get_by_role("button", name="Mark as read")).to_be_hidden()
    fits(page)
    # "@" and a few letters offer the names of people who may read the post.
    page.get_by_label("Your reply").press_sequentially("@Ann A")
    page.get_by_role("option", name="Ann Asker").click()
    page.get_by_label("Your reply").press_sequentially("yes: teach its principles on the 6th.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    fits(page)
    page.goto("/communities/project-managers/posts")
    expect(page.get_by_text("New", exact=True)).to_have_count(0)

    switch_to(page, "ann@example.com")
    if width < 992:  # the bell is in the folded menu; the menu button shows the count
        page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="Notifications 1 unread").click()
    mentioned = page.get_by_role("button", name="You were mentioned in Is PMBOK 7 worth it?")
    expect(mentioned).to_be_visible()
    page.goto("/communities/project-managers/posts")
    expect(page.get_by_text("1 new reply")).to_be_visible()
    fits(page)
    page.goto(question_url)
    page.get_by_role("link", name="Quote").click()
    expect(page.get_by_label("Your reply")).to_have_value(
        "> Bob Helper wrote:\n>\n> @Ann Asker yes: teach its principles on the 6th.\n\n"
    )
    page.get_by_role("button", name="Accept answer").click()
    expect(page.get_by_text("The answer is accepted.")).to_be_visible()
    answer = page.locator("#answer")
    expect(answer.get_by_text("teach its principles")).to_be_visible()
    page.goto("/communities/project-managers/posts?filter=unanswered")
    expect(page.get_by_role("link", name="Is PMBOK 7 worth it?")).to_have_count(0)


def test_an_idea_gets_two_votes_and_a_status(page, people):
    sign_in(page, "ann@example.com")
    page.goto("/communities/project-managers/posts/new")
    page.get_by_label("Kind").select_option(label="Idea")
    page.get_by_label("Title").fill("A charity book sale")
    page.get_by_role("button", name="Post").click()
    idea_url = page.url
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("1 vote", exact=True)).to_be_visible()

    switch_to(page, "bob@example.com")
    page.goto(idea_url)
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("2 votes")).to_be_visible()
    expect(page.get_by_role("button", name="Unvote")).to_be_visible()

    switch_to(page, "lead@example.com")
    page.goto(idea_url)
    page.get_by_role("link", name="Set status").click()
    page.get_by_label("Status").select_option(label="Planned")
    page.get_by_label("Reason").fill("In May, in the hall.")
    page.get_by_role("button", name="Set status").click()
    expect(page.get_by_text("The idea's status is saved.")).to_be_visible()
    expect(page.get_by_text("In May, in the hall.")).to_be_visible()
    page.get_by_role("button", name="Pin").click()
    expect(page.get_by_role("button", name="Unpin")).to_be_visible()
    page.goto("/communities/project-managers/posts?filter=ideas")
    expect(page.get_by_text("2 votes")).to_be_visible()


def test_the_author_edits_and_deletes_after_being_asked(page, people):
    sign_in(page, "ann@example.com")
    page.goto("/communities/project-managers/posts/new")
    page.get_by_label("Title").fill("Retro formats")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Retro formats that work")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("edited")).to_be_visible()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete this post?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("The post is deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Retro formats that work")).to_have_count(0)
