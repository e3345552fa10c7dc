"""A sign-up proves its address: nobody uses the account until the e-mailed link is opened."""

import re

import pytest
from sqlalchemy import select

from accounts import services
from core.audit import AuditEntry
from core.extensions import db
from core.mail import OutgoingEmail
from tests.conftest import PASSWORD, make_user

SIGNUP = {"display_name": "Nina Newcomer", "email": "nina@example.com",
          "password": "a strong password", "confirm": "a strong password"}  # fmt: skip


def mails_to(address: str) -> list[OutgoingEmail]:
    query = select(OutgoingEmail).where(OutgoingEmail.to_address == address)
    return list(db.session.execute(query.order_by(OutgoingEmail.id)).scalars())


def confirmation_link(address: str) -> str:
    """The path of the newest confirmation link e-mailed to `address`."""
    bodies = [
        m.text_body for m in mails_to(address) if m.subject == "Confirm your Guildhall address"
    ]
    return re.search(r"https?://[^/\s]+(/signup/confirm/\S+)", bodies[-1]).group(1)


def unconfirmed_user(email: str = "nina@example.com"):
    user = services.create_user(email, "Nina Newcomer", PASSWORD)
    db.session.commit()
    return user


def test_sign_up_gives_no_usable_account_until_the_link_is_opened(client):
    response = client.post("/signup", data=SIGNUP)
    assert response.location == "/signup/check-inbox"
    page = client.get("/signup/check-inbox").get_data(as_text=True)
    assert "Check your inbox" in page and "nina@example.com" in page
    assert "Send the link again" in page
    assert client.get("/me").status_code == 302  # not signed in
    assert client.get("/communities/").status_code == 302
    assert client.post("/signin", data={"email": "nina@example.com",
                                        "password": "a strong password"}).location == (
        "/signup/check-inbox"
    )  # fmt: skip
    assert client.get("/me").status_code == 302

    link = confirmation_link("nina@example.com")
    assert "Confirm my address" in client.get(link).get_data(as_text=True)
    nina = services.find_user_by_email("nina@example.com")
    assert not nina.email_confirmed  # a GET changes nothing
    done = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "Welcome to Guildhall, Nina Newcomer!" in done
    assert client.get("/me").status_code == 200
    db.session.refresh(nina)
    assert nina.email_confirmed
    assert [m.subject for m in mails_to("nina@example.com")] == [
        "Confirm your Guildhall address",
        "Welcome to Guildhall, Nina Newcomer",
    ]
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "account.email_confirmed" in actions
    assert client.get("/me/data.json").get_json()["account"]["email_confirmed_at"]


def test_a_confirmation_link_works_once(client):
    client.post("/signup", data=SIGNUP)
    link = confirmation_link("nina@example.com")
    assert client.post(link).location == "/"
    for again in (
        client.get(link, follow_redirects=True),
        client.post(link, follow_redirects=True),
    ):
        assert "expired or was already used" in again.get_data(as_text=True)
    welcomes = [m for m in mails_to("nina@example.com") if m.subject.startswith("Welcome")]
    assert len(welcomes) == 1


def test_an_expired_link_is_refused(client, app, monkeypatch):
    client.post("/signup", data=SIGNUP)
    link = confirmation_link("nina@example.com")
    monkeypatch.setitem(app.config, "CONFIRMATION_TOKEN_MAX_AGE", -1)
    page = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already used" in page
    assert not services.find_user_by_email("nina@example.com").email_confirmed


@pytest.mark.parametrize("token", ["x", "a.b.c", "%00", "€" * 300])
def test_forged_or_broken_links_are_refused(client, token):
    assert client.get(f"/signup/confirm/{token}").status_code in (302, 400, 404)
    assert client.post(f"/signup/confirm/{token}").status_code in (302, 400, 404)


def test_a_reset_link_does_not_confirm_an_address(client):
    user = unconfirmed_user()
    reset = services.password_reset_token(user)
    assert client.post(f"/signup/confirm/{reset}").location == "/signin"
    assert not services.find_user_by_email("nina@example.com").email_confirmed


def test_a_link_opened_in_another_browser_needs_the_accounts_password(client, app):
    # The attack: sign up with someone else's address and a password of one's own, and
    # hope the owner confirms the unexpected mail.
    client.post("/signup", data=SIGNUP)
    link = confirmation_link("nina@example.com")
    assert "Didn't sign up? Don't confirm" in mails_to("nina@example.com")[-1].text_body
    owner = app.test_client()
    page = owner.get(link).get_data(as_text=True)
    assert 'name="password"' in page and "Didn't sign up? Don't confirm" in page
    assert owner.post(link).status_code == 400
    wrong = owner.post(link, data={"password": "not the one"})
    assert wrong.status_code == 400
    assert "This is not the account's password." in wrong.get_data(as_text=True)
    assert not services.find_user_by_email("nina@example.com").email_confirmed
    assert client.post("/signin", data={"email": "nina@example.com",
                                        "password": SIGNUP["password"]}).location == (
        "/signup/check-inbox"
    )  # fmt: skip

    # The person who signed up, on another device, knows the password.
    done = owner.post(link, data={"password": SIGNUP["password"]}, follow_redirects=True)
    assert "Welcome to Guildhall, Nina Newcomer!" in done.get_data(as_text=True)
    assert services.find_user_by_email("nina@example.com").email_confirmed


def test_the_browser_that_signed_up_confirms_without_the_password(client):
    client.post("/signup", data=SIGNUP)
    page = client.get(confirmation_link("nina@example.com")).get_data(as_text=True)
    assert 'name="password"' not in page and "Didn't sign up? Don't confirm" in page
    assert client.post(confirmation_link("nina@example.com")).location == "/"


def test_signing_up_with_a_taken_address_looks_the_same_and_tells_the_owner(client, app):
    make_user("taken@example.com", "Tara Taken")
    new = client.post("/signup", data=SIGNUP)
    new_page = client.get("/signup/check-inbox").get_data(as_text=True)
    other = app.test_client()
    taken = other.post("/signup", data={**SIGNUP, "email": "taken@example.com"})
    taken_page = other.get("/signup/check-inbox").get_data(as_text=True)
    assert (new.status_code, new.location) == (taken.status_code, taken.location)
    csrf = re.compile(r'name="csrf_token" value="[^"]+"')
    assert csrf.sub("", taken_page.replace("taken@example.com", "nina@example.com")) == csrf.sub(
        "", new_page
    )
    note = mails_to("taken@example.com")
    assert [m.subject for m in note] == ["Your Guildhall account"]
    assert "you already have an account" in note[0].text_body
    assert re.search(r"^https?://[^/\s]+/signin$", note[0].text_body, re.M)
    reset = re.search(r"https?://[^/\s]+(/password/reset/\S+)", note[0].text_body).group(1)
    new_password = {"password": "a new password", "confirm": "a new password"}
    assert other.post(reset, data=new_password).location == "/signin"
    # "Send the link again" answers alike too, and the owner is not flooded.
    page = other.post("/signup/check-inbox", follow_redirects=True).get_data(as_text=True)
    assert "A new link is on its way to taken@example.com." in page
    other.post("/signup", data={**SIGNUP, "email": "taken@example.com"})
    notes = [m for m in mails_to("taken@example.com") if m.subject == "Your Guildhall account"]
    assert len(notes) == 1  # besides it, only the reset's "password changed" notice


def test_the_owner_of_a_planted_address_can_still_take_the_account(client, app):
    client.post("/signup", data=SIGNUP)  # the attacker's password
    owner = app.test_client()
    assert owner.post("/signup", data={**SIGNUP, "password": "the owner's password",
                                       "confirm": "the owner's password"}).location == (
        "/signup/check-inbox"
    )  # fmt: skip
    note = [m for m in mails_to("nina@example.com") if m.subject == "Your Guildhall account"]
    reset = re.search(r"https?://[^/\s]+(/password/reset/\S+)", note[0].text_body).group(1)
    new_password = {"password": "the owner's password", "confirm": "the owner's password"}
    owner.post(reset, data=new_password)
    sign_in = {"email": "nina@example.com", "password": "the owner's password"}
    assert owner.post("/signin", data=sign_in).location == "/"


def test_a_ukrainian_sign_up_gets_its_mail_in_ukrainian(client):
    client.post("/language", data={"language": "uk"})
    client.post("/signup", data=SIGNUP)
    assert services.find_user_by_email("nina@example.com").locale == "uk"
    (confirmation,) = mails_to("nina@example.com")
    assert confirmation.subject == "Підтвердьте адресу для Guildhall"
    link = re.search(r"https?://[^/\s]+(/signup/confirm/\S+)", confirmation.text_body).group(1)
    client.post(link)
    assert mails_to("nina@example.com")[-1].locale == "uk"


def test_the_waiting_page_says_how_long_the_link_lasts_and_offers_a_way_out(client):
    client.post("/signup", data=SIGNUP)
    page = client.get("/signup/check-inbox").get_data(as_text=True)
    assert "The link works for 48 hours." in page
    assert 'Wrong address? <a href="/signup">Sign up again</a>' in page
    assert 'Already confirmed? <a href="/signin">Sign in</a>' in page


def test_signing_in_unconfirmed_says_so_and_offers_the_link_again(client):
    unconfirmed_user()
    wrong = client.post("/signin", data={"email": "nina@example.com", "password": "not it"})
    assert "Wrong email or password." in wrong.get_data(as_text=True)  # nothing told without it
    page = client.post("/signin", data={"email": "nina@example.com", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "You cannot sign in until you confirm your address" in page
    assert "Send the link again" in page
    assert client.get("/me").status_code == 302


def test_the_link_is_sent_again_on_request(client):
    unconfirmed_user()
    client.post("/signin", data={"email": "nina@example.com", "password": PASSWORD})
    page = client.post("/signup/check-inbox", follow_redirects=True).get_data(as_text=True)
    assert "A new link is on its way to nina@example.com." in page
    assert len(mails_to("nina@example.com")) == 1
    assert client.post(confirmation_link("nina@example.com")).location == "/"


def test_nobody_else_can_have_the_link_sent(client):
    unconfirmed_user()
    assert client.get("/signup/check-inbox").location == "/signin"
    assert client.post("/signup/check-inbox").location == "/signin"
    assert mails_to("nina@example.com") == []


def test_a_password_reset_proves_the_address(client):
    user = unconfirmed_user()
    reset = services.password_reset_token(user)
    client.post(f"/password/reset/{reset}", data={"password": "a new password",
                                                 "confirm": "a new password"})  # fmt: skip
    response = client.post(
        "/signin", data={"email": "nina@example.com", "password": "a new password"}
    )
    assert response.location == "/"


def test_the_waiting_pages_speak_ukrainian(client):
    client.post("/language", data={"language": "uk"})
    client.post("/signup", data=SIGNUP)
    page = client.get("/signup/check-inbox").get_data(as_text=True)
    assert "Перевірте пошту" in page and "Надіслати посилання ще раз" in page
    sign_in = {"email": "nina@example.com", "password": "a strong password"}
    page = client.post("/signin", data=sign_in, follow_redirects=True).get_data(as_text=True)
    assert "Ви не можете увійти, доки не підтвердите адресу" in page


def test_sending_again_and_confirming_need_the_pages_csrf_token(client, app, monkeypatch):
    client.post("/signup", data=SIGNUP)
    link = confirmation_link("nina@example.com")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/signup/check-inbox").status_code == 400
    assert client.post(link).status_code == 400
    assert len(mails_to("nina@example.com")) == 1
    page = client.get("/signup/check-inbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/signup/check-inbox", data={"csrf_token": token}).status_code == 302
    assert client.post(link, data={"csrf_token": token}).location == "/"
