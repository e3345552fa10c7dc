"""A Ukrainian-speaking employee switches the language and registers for an event in Ukrainian."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event


def test_switch_to_ukrainian_and_register_for_an_event(page, live_server):
    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        community = make_community(leader, "Project Managers")
        make_user("olha@example.com", "Olha Reader")
        make_event(leader, community, title="Retro night", capacity=3)

    live_server.setup(world)

    sign_in(page, "olha@example.com")
    page.get_by_label("Language").select_option("uk")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")

    page.get_by_role("link", name="Події").click()
    page.get_by_role("link", name="Retro night").click()
    expect(page.get_by_text("3 вільні місця")).to_be_visible()
    page.get_by_role("button", name="Зареєструватися").click()
    expect(page.get_by_text("Ви зареєстровані", exact=True)).to_be_visible()
    expect(page.get_by_text("2 вільні місця")).to_be_visible()
    page.get_by_role("button", name="Скасувати реєстрацію").click()
    expect(page.get_by_text("Вашу реєстрацію скасовано.")).to_be_visible()

    # The choice is kept on the account: a fresh browser (English) signs in to Ukrainian.
    page.context.clear_cookies()
    sign_in(page, "olha@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("link", name="Спільноти")).to_be_visible()
