"""Every state change needs the CSRF token of the session."""

import re

import pytest

from tests.conftest import PASSWORD, make_user


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_post_without_csrf_token_is_refused_with_400(client, csrf_on):
    make_user("ann@example.com")
    response = client.post("/signin", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_post_button_without_token_is_refused(world, login, csrf_on):
    response = login(world.users["employee"]).post(f"/communities/{world.community.slug}/join")
    assert response.status_code == 400


def test_post_with_the_pages_token_is_accepted(client, csrf_on):
    make_user("ann@example.com")
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/signin", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
