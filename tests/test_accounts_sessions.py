"""Sessions that end: sign-out, a new password and "Sign out everywhere" end them for
good, and remember-me cookies are random, kept hashed, new at each use and bounded."""

import hashlib
import re
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select

from accounts import services
from accounts import sessions as sign_in_sessions
from accounts.models import SignInSession
from core.audit import AuditEntry
from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def ann(app):
    return make_user("ann@example.com", "Ann")


def signed_in(app, remember=False, email="ann@example.com", password=PASSWORD):
    """A browser signed in through the sign-in form."""
    browser = app.test_client()
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = browser.post("/signin", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def cookie(browser, name: str) -> str | None:
    found = browser.get_cookie(name)
    return found.value if found is not None else None


def browser_with(app, **cookies):
    """A new browser holding copies of cookies taken from another."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    return browser


def is_signed_in(browser) -> bool:
    response = browser.get("/me")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.location.startswith("/signin"), response
    return False


def later(monkeypatch, by: timedelta) -> None:
    """Move the sessions' clock forward."""
    moved = utcnow() + by
    monkeypatch.setattr(sign_in_sessions, "utcnow", lambda: moved)


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


def change_password(browser, current=PASSWORD):
    return browser.post(
        "/me/password",
        data={"current_password": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )


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


def test_the_remember_me_cookie_is_new_at_each_sign_in_and_kept_only_hashed(app, ann):
    first = cookie(signed_in(app, remember=True), "remember_token")
    second = cookie(signed_in(app, remember=True), "remember_token")
    assert first and second and first != second
    rows = db.session.execute(select(SignInSession)).scalars().all()
    stored = {value for row in rows for value in vars(row).values() if isinstance(value, str)}
    for value in (first, second):
        token = value.split("|")[0]  # Flask-Login signs it: "<token>|<digest>"
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_a_remember_me_cookie_is_replaced_when_used_and_the_old_one_stops_working(app, ann):
    old = cookie(signed_in(app, remember=True), "remember_token")
    returning = browser_with(app, remember_token=old)  # the browser was closed and reopened
    assert is_signed_in(returning)
    new = cookie(returning, "remember_token")
    assert new and new != old
    assert is_signed_in(returning)
    assert is_signed_in(browser_with(app, remember_token=new))
    assert not is_signed_in(browser_with(app, remember_token=old))


def test_sign_out_ends_the_remember_me_cookie(app, ann):
    browser = signed_in(app, remember=True)
    remember_cookie = cookie(browser, "remember_token")
    response = browser.post("/signout")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert not is_signed_in(browser_with(app, remember_token=remember_cookie))


def test_a_remember_me_cookie_expires(app, ann, monkeypatch):
    lifetime = app.config["REMEMBER_COOKIE_DURATION"]
    assert lifetime == timedelta(days=30)
    kept, forgotten = (signed_in(app, remember=True).get_cookie("remember_token") for _ in "ab")
    assert abs(kept.expires - (utcnow() + lifetime)) < timedelta(minutes=1)
    later(monkeypatch, lifetime - timedelta(minutes=1))
    assert is_signed_in(browser_with(app, remember_token=kept.value))
    later(monkeypatch, lifetime + timedelta(minutes=1))
    assert not is_signed_in(browser_with(app, remember_token=forgotten.value))


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


def signed_in_with_csrf(app):
    browser = app.test_client()
    page = browser.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": "ann@example.com", "password": PASSWORD, "csrf_token": token}
    assert browser.post("/signin", data=data).status_code == 302
    return browser


def deactivate(app, ann, active: bool):
    admin = services.find_user_by_email("ada@example.com") or make_user(
        "ada@example.com", "Ada", is_admin=True
    )
    granted = "1" if active else "0"
    response = app.test_client(user=admin).post(
        f"/admin/users/{ann.id}/roles", data={"role": "active", "granted": granted}
    )
    assert response.status_code == 302


def test_deactivating_an_account_ends_its_sessions_for_good(app, ann):
    remembered, other = signed_in(app, remember=True), signed_in(app)
    remember_cookie = cookie(remembered, "remember_token")
    deactivate(app, ann, False)
    db.session.refresh(ann)
    deactivate(app, ann, True)
    for browser in (remembered, other, browser_with(app, remember_token=remember_cookie)):
        assert not is_signed_in(browser)
    assert is_signed_in(signed_in(app))


def test_a_deactivated_accounts_remember_me_cookie_is_not_renewed(app, ann):
    remember_cookie = cookie(signed_in(app, remember=True), "remember_token")
    ann.active = False  # behind the sessions' back: its rows are still live
    db.session.commit()
    returning = browser_with(app, remember_token=remember_cookie)
    assert not is_signed_in(returning)
    assert cookie(returning, "remember_token") == remember_cookie
    row = db.session.execute(select(SignInSession)).scalar_one()
    assert row.token_hash == hashlib.sha256(remember_cookie.split("|")[0].encode()).hexdigest()


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


def account_emails() -> list:
    return list(
        db.session.execute(select(OutgoingEmail).where(OutgoingEmail.kind == "account")).scalars()
    )


def test_a_replaced_remember_me_token_that_comes_back_ends_the_session(app, ann, monkeypatch):
    owners = cookie(signed_in(app, remember=True), "remember_token")
    thief = browser_with(app, remember_token=owners)  # a copy, used first: renewed
    assert is_signed_in(thief)
    later(monkeypatch, timedelta(minutes=2))
    assert not is_signed_in(browser_with(app, remember_token=owners))  # the owner comes back
    assert not is_signed_in(thief)
    db.session.expire_all()
    assert db.session.execute(select(SignInSession)).scalar_one().revoked_at is not None
    [email] = account_emails()
    assert email.to_address == ann.email and "http://localhost/me" in email.text_body
    assert db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "account.remember_token_reused")
    ).scalar_one()


def test_a_replaced_token_racing_its_renewal_ends_nothing(app, ann):
    old = cookie(signed_in(app, remember=True), "remember_token")
    returning = browser_with(app, remember_token=old)
    assert is_signed_in(returning)
    # Another tab of the same browser, sent before the renewal reached it.
    assert not is_signed_in(browser_with(app, remember_token=old))
    assert is_signed_in(returning)
    assert not account_emails()


def test_a_password_change_is_told_by_e_mail_with_a_reset_link(app, ann):
    assert change_password(signed_in(app)).status_code == 302
    [email] = account_emails()
    assert email.subject == "Your Guildhall password was changed"
    assert "http://localhost/password/reset" in email.text_body


def test_a_password_reset_is_told_by_e_mail_too(app, ann):
    token = services.password_reset_token(ann)
    app.test_client().post(
        f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert [e.subject for e in account_emails()] == ["Your Guildhall password was changed"]


def test_sign_out_everywhere_is_told_by_e_mail_in_the_persons_language(app, ann):
    ann.locale = "uk"
    db.session.commit()
    assert signed_in(app).post("/signout/everywhere").status_code == 302
    [email] = account_emails()
    assert email.subject == "Вас виведено з Guildhall на всіх пристроях"
    assert "«Вийти на всіх пристроях»" in email.text_body


def test_a_wrong_current_password_is_audited(app, ann):
    assert change_password(signed_in(app), current="a guess").status_code == 400
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "account.password_change_refused")
    ).scalar_one()
    assert entry.actor_id == ann.id and entry.subject_id == ann.id


def test_a_session_in_use_ends_after_seven_days_all_the_same(app, ann, monkeypatch):
    # SESSION_MAX_DAYS, 7 unless configured
    browser = signed_in(app)
    for hours in range(20, 7 * 24, 20):  # a visit every 20 hours keeps it from idling
        later(monkeypatch, timedelta(hours=hours))
        assert is_signed_in(browser), hours
    later(monkeypatch, timedelta(days=7, minutes=1))
    assert not is_signed_in(browser)
