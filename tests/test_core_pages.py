"""Error pages and the language switch."""

from app import create_app
from core.extensions import db
from tests.conftest import close_app, test_config


def test_an_unexpected_error_shows_the_friendly_500_page(app, tmp_path):
    broken = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    broken.config["TESTING"] = False  # let the 500 handler answer instead of raising

    @broken.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    close_app(broken)


def test_language_switch_remembers_the_choice_for_the_session(client):
    response = client.post("/language", data={"language": "uk", "next": "/signin?x=1"})
    assert response.location == "/signin?x=1"
    assert '<html lang="uk">' in client.get("/signin").get_data(as_text=True)


def test_language_switch_is_saved_on_the_account(world, login):
    member = world.users["member"]
    login(member).post("/language", data={"language": "uk"})
    db.session.refresh(member)
    assert member.locale == "uk"


def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/language", data={"language": "xx", "next": "https://evil.example/"})
    assert response.location == "/"
    assert '<html lang="en">' in client.get("/signin").get_data(as_text=True)


def test_the_browser_language_is_used_without_a_choice(client):
    page = client.get("/signin", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    assert '<html lang="uk">' in page.get_data(as_text=True)
