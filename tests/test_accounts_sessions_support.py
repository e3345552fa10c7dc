"""Browsers signed in through the forms, their cookies, and a clock moved on: what the
session tests share."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts import services
from accounts import sessions as sign_in_sessions
from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from tests.conftest import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(name="ann")
def ann_fixture(app):
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


def change_password(browser, current=PASSWORD):
    return browser.post(
        "/me/password",
        data={"current_password": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )


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


def account_emails() -> list:
    return list(
        db.session.execute(select(OutgoingEmail).where(OutgoingEmail.kind == "account")).scalars()
    )
