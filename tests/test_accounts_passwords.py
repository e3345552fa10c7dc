"""Choosing a password: length and common-password messages of our own, the current
password refused as the new one, and fields that password managers understand."""

import re

import pytest

from accounts import services
from core.extensions import db
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def ann(app):
    return make_user("ann@example.com", "Ann")


def change_password(app, user, new: str):
    return app.test_client(user=user).post(
        "/me/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )


def test_the_current_password_is_refused_as_the_new_one(app, ann):
    response = change_password(app, ann, PASSWORD)
    assert response.status_code == 400
    assert "Choose a password other than your current one." in response.get_data(as_text=True)


def test_the_current_password_is_refused_in_ukrainian_too(app, ann):
    ann.locale = "uk"
    db.session.commit()
    page = change_password(app, ann, PASSWORD).get_data(as_text=True)
    assert "Оберіть пароль, відмінний від поточного." in page


@pytest.mark.parametrize("common", ["12345678", "Password1", "qwertyuiop"])
def test_a_common_password_is_refused_at_sign_up_reset_and_change(app, ann, common):
    message = "This password is one of the first anyone would guess."
    signup = app.test_client().post(
        "/signup",
        data={"display_name": "Bo", "email": "bo@example.com", "password": common,
              "confirm": common},
    )  # fmt: skip
    token = services.password_reset_token(ann)
    reset = app.test_client().post(
        f"/password/reset/{token}", data={"password": common, "confirm": common}
    )
    for response in (signup, reset, change_password(app, ann, common)):
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    db.session.refresh(ann)
    assert ann.check_password(PASSWORD)


def test_a_short_password_gets_a_plain_message(app, ann):
    response = change_password(app, ann, "short")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Use at least 8 characters." in page
    assert "Field must be" not in page
    signup = app.test_client().post(
        "/signup", data={"display_name": "Bo", "email": "bo@example.com", "password": "x" * 201,
                         "confirm": "x" * 201},
    )  # fmt: skip
    assert "Use at most 200 characters." in signup.get_data(as_text=True)


def test_a_short_password_message_in_ukrainian(app, ann):
    ann.locale = "uk"
    db.session.commit()
    assert "Використайте щонайменше 8 символів." in change_password(app, ann, "short").get_data(
        as_text=True
    )


def autocompletes(page: str) -> dict[str, str]:
    """Each input's name and its autocomplete attribute."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'autocomplete="([^"]+)"', tag)
        if name:
            found[name.group(1)] = value.group(1) if value else None
    return found


def test_password_managers_know_each_field(app, ann):
    client = app.test_client()
    signin = autocompletes(client.get("/signin").get_data(as_text=True))
    assert (signin["email"], signin["password"]) == ("username", "current-password")
    signup = autocompletes(client.get("/signup").get_data(as_text=True))
    assert signup["email"] == "email"
    assert signup["password"] == signup["confirm"] == "new-password"
    assert autocompletes(client.get("/password/reset").get_data(as_text=True))["email"] == "email"
    token = services.password_reset_token(ann)
    reset = autocompletes(client.get(f"/password/reset/{token}").get_data(as_text=True))
    assert reset["password"] == reset["confirm"] == "new-password"
    profile = autocompletes(app.test_client(user=ann).get("/me").get_data(as_text=True))
    assert profile["current_password"] == "current-password"
    assert profile["password"] == profile["confirm"] == "new-password"
