"""Sessions that end: sign-out, a new password, "Sign out everywhere", deactivation and
idleness end them for good, and each browser's session is a row of its own."""

import re
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from accounts import services
from accounts.models import SignInSession
from core.extensions import db
from tests.conftest import PASSWORD
from tests.test_accounts_sessions_support import (  # noqa: F401
    NEW_PASSWORD,
    ann_fixture,
    browser_with,
    change_password,
    cookie,
    deactivate,
    is_signed_in,
    later,
    signed_in,
    signed_in_with_csrf,
)


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(app, ann):
    browser = signed_in(app)
    copied = cookie(browser, "session")
    assert is_signed_in(browser_with(app, session=copied))
    browser.post("/signout")
    assert not is_signed_in(browser)
    assert not is_signed_in(browser_with(app, session=copied))


def test_signing_out_one_browser_leaves_the_others_signed_in(app, ann):
    laptop, phone = signed_in(app), signed_in(app)
    laptop.post("/signout")
    assert not is_signed_in(laptop)
    assert is_signed_in(phone)


def test_a_test_client_session_copied_before_sign_out_opens_nothing_after(app, ann):
    # Flask-Login's own sessions (its test client here) carry the alternative id.
    browser = app.test_client(user=ann)
    copied = cookie(browser, "session")
    browser.post("/signout")
    assert not is_signed_in(browser_with(app, session=copied))


@pytest.fixture
def production(app, monkeypatch):
    """The app as served: not testing."""
    monkeypatch.setitem(app.config, "TESTING", False)
    return app


def with_user_id(app, user_id: str):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    return browser


def test_flask_logins_test_client_signs_in_while_testing(app, ann):
    # The whole suite signs people in this way: a session without a row of its own.
    assert app.testing and is_signed_in(app.test_client(user=ann))
    assert is_signed_in(with_user_id(app, ann.get_id()))


def test_a_production_app_refuses_a_session_without_a_row(production, ann):
    # Anyone holding SECRET_KEY could write "<id>:0" into a session or a remember cookie.
    assert not is_signed_in(production.test_client(user=ann))
    assert not is_signed_in(with_user_id(production, ann.get_id()))
    forged = encode_cookie(ann.get_id())
    assert not is_signed_in(browser_with(production, remember_token=forged))
    assert is_signed_in(signed_in(production))  # the sign-in form still works


@pytest.mark.parametrize("padded", ["0{id}:0", "{id}:00", "{id}:+0", " {id}:0", "\u0661:0"])
def test_an_alternative_id_is_read_strictly(app, ann, padded):
    assert ann.id == 1 and ann.session_generation == 0
    assert not is_signed_in(with_user_id(app, padded.format(id=ann.id)))


def test_a_session_from_before_alternative_ids_is_refused(app, ann):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(ann.id), True
    assert not is_signed_in(browser)


def test_a_password_reset_signs_out_every_browser(app, ann):
    remembered = signed_in(app, remember=True)
    remember_cookie = cookie(remembered, "remember_token")
    other, flask_login_made = signed_in(app), app.test_client(user=ann)
    token = services.password_reset_token(ann)
    response = app.test_client().post(
        f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    for browser in (remembered, other, flask_login_made):
        assert not is_signed_in(browser)
    assert not is_signed_in(browser_with(app, remember_token=remember_cookie))
    assert is_signed_in(signed_in(app, password=NEW_PASSWORD))


def test_a_password_change_keeps_this_browser_and_signs_out_the_others(app, ann):
    this, other, flask_login_made = signed_in(app), signed_in(app), app.test_client(user=ann)
    response = change_password(this)
    assert response.status_code == 302 and response.location == "/me"
    assert is_signed_in(this)
    assert not is_signed_in(other)
    assert not is_signed_in(flask_login_made)
    db.session.refresh(ann)
    assert ann.check_password(NEW_PASSWORD)


def test_a_password_change_keeps_a_flask_login_session_too(app, ann):
    this, other = app.test_client(user=ann), signed_in(app)
    assert change_password(this).status_code == 302
    assert is_signed_in(this)
    assert not is_signed_in(other)


def test_a_wrong_current_password_changes_nothing(app, ann):
    this, other = signed_in(app), signed_in(app)
    response = change_password(this, current="not my password")
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    assert is_signed_in(other)
    db.session.refresh(ann)
    assert ann.check_password(PASSWORD)


def test_sign_out_everywhere_ends_every_session_this_one_too(app, ann):
    remembered = signed_in(app, remember=True)
    remember_cookie = cookie(remembered, "remember_token")
    this, flask_login_made = signed_in(app), app.test_client(user=ann)
    assert "Sign out everywhere" in this.get("/me").get_data(as_text=True)
    response = this.post("/signout/everywhere")
    assert response.status_code == 302 and response.location == "/"
    for browser in (this, remembered, flask_login_made):
        assert not is_signed_in(browser)
    assert not is_signed_in(browser_with(app, remember_token=remember_cookie))
    assert is_signed_in(signed_in(app))


def test_the_profile_lists_the_browsers_signed_in(app, ann):
    this = signed_in(app)
    signed_in(app)
    signed_in(app).post("/signout")
    page = this.get("/me").get_data(as_text=True)
    assert "You are signed in on 2 devices." in page and "this device" in page


def test_last_seen_is_written_at_most_every_few_minutes(app, ann, monkeypatch, count_queries):
    browser = signed_in(app)
    with count_queries() as statements:
        browser.get("/me")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    later(monkeypatch, timedelta(minutes=6))
    with count_queries() as statements:
        assert is_signed_in(browser)
    assert len([s for s in statements if "UPDATE sign_in_sessions" in s]) == 1
    db.session.expire_all()
    row = db.session.execute(select(SignInSession)).scalar_one()
    assert row.last_seen_at > row.created_at + timedelta(minutes=5)


def test_an_idle_session_ends(app, ann, monkeypatch):
    assert app.permanent_session_lifetime == timedelta(hours=24)  # SESSION_IDLE_HOURS
    browser = signed_in(app)
    later(monkeypatch, app.permanent_session_lifetime + timedelta(minutes=1))
    assert not is_signed_in(browser)


def test_the_profile_offers_sign_out_everywhere_in_ukrainian(app, ann):
    browser = signed_in(app)
    browser.post("/language", data={"language": "uk"})
    page = browser.get("/me").get_data(as_text=True)
    assert "Вийти на всіх пристроях" in page and "Ви увійшли на 1 пристрої." in page


def test_a_request_finds_its_session_and_person_in_one_query(app, ann, count_queries):
    browser = signed_in(app)
    db.session.expire_all()  # the request must load the person itself
    with count_queries() as statements:
        assert browser.get("/communities/").status_code == 200
    reads = [s for s in statements if "sign_in_sessions" in s or "FROM users" in s]
    assert len(reads) == 1 and "JOIN users" in reads[0], reads


def test_ended_sessions_are_cleared_at_the_next_sign_in(app, ann, monkeypatch):
    signed_in(app).post("/signout")
    signed_in(app)
    later(monkeypatch, app.permanent_session_lifetime + timedelta(minutes=1))
    signed_in(app)
    assert len(db.session.execute(select(SignInSession)).scalars().all()) == 1


def test_the_data_download_lists_the_browsers_signed_in_without_tokens(app, ann):
    browser = signed_in(app, remember=True)
    data = browser.get("/me/data.json").get_json()
    [kept] = data["account"]["signed_in_sessions"]
    assert kept["remembered"] is True and set(kept) == {"started", "last_seen", "remembered"}
    assert cookie(browser, "remember_token").split("|")[0] not in str(data)


def test_sign_out_everywhere_needs_the_pages_csrf_token(app, ann, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    browser, other = signed_in_with_csrf(app), signed_in_with_csrf(app)
    assert browser.post("/signout/everywhere").status_code == 400
    assert is_signed_in(other)
    page = browser.get("/me").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert browser.post("/signout/everywhere", data={"csrf_token": token}).status_code == 302
    assert not is_signed_in(other)


def test_deactivating_an_account_ends_its_sessions_for_good(app, ann):
    remembered, other = signed_in(app, remember=True), signed_in(app)
    remember_cookie = cookie(remembered, "remember_token")
    deactivate(app, ann, False)
    db.session.refresh(ann)
    deactivate(app, ann, True)
    for browser in (remembered, other, browser_with(app, remember_token=remember_cookie)):
        assert not is_signed_in(browser)
    assert is_signed_in(signed_in(app))


def test_signing_in_starts_a_fresh_session_keeping_only_the_language(app, ann):
    browser = app.test_client()
    browser.post("/language", data={"language": "uk"})
    with browser.session_transaction() as session:
        session["csrf_token"], session["planted"] = "chosen-before-sign-in", "x"
    response = browser.post("/signin", data={"email": ann.email, "password": PASSWORD})
    assert response.status_code == 302
    with browser.session_transaction() as session:
        assert "csrf_token" not in session and "planted" not in session
        assert session["locale"] == "uk"
    assert is_signed_in(browser)


def test_a_session_in_use_ends_after_seven_days_all_the_same(app, ann, monkeypatch):
    # SESSION_MAX_DAYS, 7 unless configured
    browser = signed_in(app)
    for hours in range(20, 7 * 24, 20):  # a visit every 20 hours keeps it from idling
        later(monkeypatch, timedelta(hours=hours))
        assert is_signed_in(browser), hours
    later(monkeypatch, timedelta(days=7, minutes=1))
    assert not is_signed_in(browser)
