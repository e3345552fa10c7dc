"""Moderation in the browser: a leader holds new members' first posts and approves one, a
member reports a reply that a leader hides, a spammer is removed, and an admin keeps the
watched words. (Posts are made as rows: the post pages are built beside this.)"""

from playwright.sync_api import expect

from community import services as communities
from conversations.models import ContentState
from core.extensions import db
from tests.browser.conftest import fits, pages_seen, sign_in, sign_out
from tests.conftest import make_community, make_user
from tests.test_conversations_moderation_factories import make_post, make_reply, post_screened


def test_a_leader_holds_first_posts_and_approves_one(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        newcomer = make_user("nina@example.com", "Nina Newcomer")
        community = make_community(leader, "QA Guild")
        communities.join_community(newcomer, community)

    live_server.setup(world)
    sign_in(page, "lead@example.com")
    page.goto("/communities/qa-guild")
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_label("Hold new members' first posts for approval").fill("1")
    page.get_by_role("button", name="Save community").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    def held_post():
        from accounts.models import User
        from community.models import Community

        community = db.session.execute(db.select(Community)).scalar_one()
        nina = db.session.execute(db.select(User).where(User.email == "nina@example.com"))
        return post_screened(nina.scalar_one(), community, "Хто тестує API?", "Підкажіть").state

    assert live_server.setup(held_post) == ContentState.HELD
    page.goto("/communities/qa-guild")
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Хто тестує API?")).to_be_visible()
    expect(page.get_by_text("Awaiting approval", exact=True)).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for a decision.")).to_be_visible()
    assert pages_seen(page) >= 4


def test_a_report_a_hide_and_remove_as_spam(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        member = make_user("max@example.com", "Max Member")
        spammer = make_user("spam@example.com", "Sam Spammer")
        community = make_community(leader, "Project Managers")
        for person in (member, spammer):
            communities.join_community(person, community)
        thread = make_post(leader, community, title="PMBOK 7")
        reply = make_reply(spammer, thread, body="Cheap watches here")
        make_post(spammer, community, title="Buy now")
        return reply.id

    reply_id = live_server.setup(world)
    sign_in(page, "max@example.com")
    page.goto(f"/communities/project-managers/reply/{reply_id}/report")
    page.get_by_label("Reason").fill("Advertising, not an answer")
    page.get_by_role("button", name="Report").click()
    expect(page.get_by_text("Thank you. The community's leaders will look at it.")).to_be_visible()
    sign_out(page)

    sign_in(page, "lead@example.com")
    page.goto("/communities/project-managers")
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_text("Advertising, not an answer")).to_be_visible()
    page.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("Hidden.", exact=True)).to_be_visible()

    def hold_the_spammers_post():
        from conversations.models import Post

        post = db.session.execute(db.select(Post).where(Post.title == "Buy now")).scalar_one()
        post.state = ContentState.HELD  # held for a watched word, say
        return post.id

    post_id = live_server.setup(hold_the_spammers_post)
    page.reload()
    page.get_by_role("button", name="Remove as spam").click()
    expect(page.get_by_role("heading", name="Remove as spam")).to_be_visible()
    expect(page.get_by_label("Also deactivate the account")).to_have_count(0)
    page.get_by_role("button", name="Remove as spam").click()
    expect(page.get_by_text("Sam Spammer can no longer post here.", exact=False)).to_be_visible()

    def state_of_post():
        from conversations.models import Post

        return db.session.get(Post, post_id).state

    assert live_server.setup(state_of_post) == ContentState.REMOVED
    assert pages_seen(page) >= 6


def test_an_admin_keeps_the_watched_words(page, live_server):
    live_server.setup(lambda: make_user("ada@example.com", "Ada Admin", is_admin=True))
    sign_in(page, "ada@example.com")
    page.locator("#admin-menu").click()  # the header's "Admin" menu
    page.get_by_role("link", name="Moderation").click()
    page.locator("#main").get_by_role("link", name="Watched words").click()  # not the menu's
    page.get_by_label("Word or phrase").fill("Казино")
    page.get_by_label("Action").select_option(label="Refuse")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("cell", name="казино", exact=True)).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 900})  # on a phone "Delete" is not cut off
    fits(page)
    page.get_by_label("Word or phrase").fill("")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Enter a word or phrase.")).to_be_visible()
    page.get_by_role("button", name="Delete “казино”").click()
    expect(page.get_by_text("No watched words yet.")).to_be_visible()
