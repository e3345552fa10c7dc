"""Forgotten passwords: a signed, short-lived, one-time link by e-mail."""

import re

import pytest
from sqlalchemy import select

from accounts import mail, services
from core.audit import AuditEntry
from core.extensions import db
from core.mail import OutgoingEmail
from tests.conftest import PASSWORD, make_user


def reset_link_sent_to(address: str) -> str:
    email = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == address)
    ).scalar_one()
    return re.search(r"http://localhost(/password/reset/\S+)", email.text_body).group(1)


def test_reset_by_email_link_sets_a_new_password(client):
    user = make_user("ann@example.com")
    response = client.post("/password/reset", data={"email": "ANN@example.com"})
    assert response.status_code == 302
    link = reset_link_sent_to("ann@example.com")
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": "a new password", "confirm": "a new password"})
    assert done.location == "/signin"
    db.session.refresh(user)
    assert user.check_password("a new password") and not user.check_password(PASSWORD)
    assert db.session.execute(select(AuditEntry.action)).scalar_one() == "account.password_reset"
    # The link works once: the password changed, so the token no longer matches.
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "no longer valid" in again


def test_unknown_addresses_get_the_same_answer_and_no_email(client):
    page = client.post("/password/reset", data={"email": "nobody@example.com"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "If nobody@example.com has an account, a reset link is on its way." in page
    assert db.session.execute(select(OutgoingEmail)).first() is None


@pytest.mark.parametrize("token", ["x", "a.b.c", "%00", "€" * 300])
def test_forged_or_broken_tokens_are_refused(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code in (302, 400, 404)


def test_an_expired_link_is_refused(client, app, monkeypatch):
    user = make_user("ann@example.com")
    token = services.password_reset_token(user)
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)
    assert services.user_for_reset_token(token) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 8 characters."),
        ({"password": "long enough", "confirm": "different"}, "The passwords differ."),
        ({}, "This field is required."),
    ],
)
def test_bad_new_passwords_are_explained(client, data, message):
    user = make_user("ann@example.com")
    response = client.post(f"/password/reset/{services.password_reset_token(user)}", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_password_reset_cannot_be_turned_off_in_email_settings(world, login):
    member = world.users["member"]
    page = login(member).get("/notifications/settings").get_data(as_text=True)
    assert 'name="account"' not in page and "always come" in page
    login(member).post("/notifications/settings", data={"account": "off"})
    assert mail.email_user(member, "account", "password_reset", link="x") is not None


def test_a_reset_link_used_twice_at_once_changes_the_password_once(app):
    """Two tabs (or a double click) posting one link: the second finds it used."""
    import threading

    from core import commands
    from core.errors import DomainError

    user = make_user("ann@example.com")
    token = services.password_reset_token(user)
    db.session.commit()
    results, start = [], threading.Barrier(4)

    def use_link(password: str):
        with app.test_request_context(method="POST"):
            start.wait()
            try:
                with commands.transaction():
                    services.reset_password(token, password)
                results.append("changed")
            except DomainError:
                results.append("refused")

    threads = [threading.Thread(target=use_link, args=(f"new password {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["changed", "refused", "refused", "refused"]
    resets = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "account.password_reset")
    ).scalars()
    assert len(list(resets)) == 1
