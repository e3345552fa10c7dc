"""A person changes their password on one device, which signs the other out, then signs
out everywhere from the profile."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import make_user

NEW_PASSWORD = "a brand new passphrase"


def test_change_password_then_sign_out_everywhere(page, browser, live_server):
    live_server.setup(lambda: make_user("ann@example.com", "Ann Example"))
    phone = browser.new_context(base_url=live_server.url).new_page()
    sign_in(phone, "ann@example.com")
    sign_in(page, "ann@example.com")

    page.goto("/me")
    expect(page.get_by_text("You are signed in on 2 devices.")).to_be_visible()
    page.get_by_label("Current password").fill("wrong password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("This is not your current password.")).to_be_visible()

    page.get_by_label("Current password").fill("correct horse battery")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Other devices are signed out.")).to_be_visible()
    expect(page.get_by_text("You are signed in on 1 device.")).to_be_visible()

    phone.goto("/me")
    expect(phone).to_have_url(f"{live_server.url}/signin?next=%2Fme")
    phone.context.close()

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_text("Signed out on every device, this one too.")).to_be_visible()
    page.goto("/me")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
