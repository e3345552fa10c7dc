"""Remember-me cookies are random, kept hashed, new at each use and bounded; a replaced
one that comes back ends its session, and the owner hears of it."""

import hashlib
from datetime import timedelta

from sqlalchemy import select

from accounts.models import SignInSession
from core.audit import AuditEntry
from core.extensions import db
from core.models import utcnow
from tests.test_accounts_sessions_support import (  # noqa: F401
    account_emails,
    ann_fixture,
    browser_with,
    cookie,
    is_signed_in,
    later,
    signed_in,
)


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


def test_a_deactivated_accounts_remember_me_cookie_is_not_renewed(app, ann):
    remember_cookie = cookie(signed_in(app, remember=True), "remember_token")
    ann.active = False  # behind the sessions' back: its rows are still live
    db.session.commit()
    returning = browser_with(app, remember_token=remember_cookie)
    assert not is_signed_in(returning)
    assert cookie(returning, "remember_token") == remember_cookie
    row = db.session.execute(select(SignInSession)).scalar_one()
    assert row.token_hash == hashlib.sha256(remember_cookie.split("|")[0].encode()).hexdigest()


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
