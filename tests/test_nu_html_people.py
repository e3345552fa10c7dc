"""The pages of a person's own place (home, notifications, profiles, settings) are valid
HTML for the W3C Nu checker: for every role, in English and Ukrainian, with the demo data,
and with the settings forms showing their errors."""

import re

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from notifications import services as notifications
from notifications.kinds import REQUEST_APPROVED
from tests.nu_checker import describe, nu_errors

ROLES = {
    "visitor": None,
    "employee": "employee@example.com",
    "leader": "olena@example.com",
    "smm": "smm@example.com",
    "admin": "admin@example.com",
}
LANGUAGES = ("en", "uk")
# Bad answers to each settings form, so that the page showing their messages is checked too.
BAD_FORMS = {
    "/me/profile": {"display_name": "", "time_zone": "Mars/Base", "job_title": "x" * 500},
    "/notifications/settings": {REQUEST_APPROVED.name: "pigeon"},
}


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0


def person(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def pages_seen_by(client, name: str, paths: list[str], language: str) -> dict[str, str]:
    """Each page as `client` gets it (a visitor, after being sent to sign in)."""
    pages = {}
    for path in paths:
        response = client.get(path, headers={"Accept-Language": language}, follow_redirects=True)
        assert response.status_code == 200, (name, path)
        pages[f"{language} {name} {path}"] = response.get_data(as_text=True)
    return pages


def forms_with_errors(client, token: str, language: str) -> dict[str, str]:
    pages = {}
    for path, answers in BAD_FORMS.items():
        response = client.post(
            path, data={"csrf_token": token, **answers}, headers={"Accept-Language": language}
        )
        page = response.get_data(as_text=True)
        assert "is-invalid" in page, path
        pages[f"{language} employee POST {path}"] = page
    return pages


def test_home_notifications_profiles_and_settings_are_valid_html(app, demo, monkeypatch):
    # With the CSRF fields pages have when served: a page with several forms has one in each.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    leader = person("olena@example.com")
    people = {role: person(email) if email else None for role, email in ROLES.items()}
    notifications.notify(
        [user for user in people.values() if user],
        REQUEST_APPROVED.name,
        "QA Guild",
        notifications.Link(path="/communities/"),
    )
    db.session.commit()
    pages = {}
    for role, user in people.items():
        paths = ["/", "/notifications", "/notifications/settings", f"/people/{leader.id}", "/me"]
        if user is not None:
            paths.append(f"/people/{user.id}")
        for language in LANGUAGES:
            client = app.test_client(user=user) if user else app.test_client()
            pages |= pages_seen_by(client, role, paths, language)
            if role == "employee":
                token = csrf_token(pages[f"{language} employee /me"])
                pages |= forms_with_errors(client, token, language)

    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} Nu HTML checker errors:\n{describe(errors)}"
