"""An employee searches from the header box, sees the highlighted match, and opens it."""

import re

from playwright.sync_api import expect

from search.index import search_index
from tests.browser.conftest import pages_seen, sign_in
from tests.conftest import make_community, make_user


def test_search_from_the_header_and_open_a_result(page, live_server):
    def world():
        search_index().rebuild()  # a fresh index for this server's database
        leader = make_user("lead@example.com", "Lena Leader")
        make_user("emma@example.com", "Emma Employee")
        make_community(leader, "Лідерство", description="Книги про лідерство та **Agile**.")
        make_community(leader, "Running Club", description="Every Saturday.")

    live_server.setup(world)

    sign_in(page, "emma@example.com")
    page.get_by_label("Search").fill("ЛІДЕРСТВА")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/search\?q="))
    result = page.get_by_role("link", name="Лідерство")
    expect(result).to_be_visible()
    expect(result.locator("mark")).to_have_text("Лідерство")
    expect(page.get_by_text("Running Club")).to_have_count(0)
    expect(page.get_by_label("Search")).to_have_value("ЛІДЕРСТВА")

    result.click()
    expect(page.get_by_role("heading", name="Лідерство")).to_be_visible()
    assert pages_seen(page) >= 3


def test_misspelling_offers_did_you_mean(page, live_server):
    def world():
        search_index().rebuild()
        leader = make_user("lead@example.com", "Lena Leader")
        make_community(leader, "Photography Club")

    live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.get_by_label("Search").fill("photgraphy")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_text("Nothing found for “photgraphy”.")).to_be_visible()
    page.get_by_role("link", name="photography").click()
    expect(page.get_by_role("link", name="Photography Club")).to_be_visible()
