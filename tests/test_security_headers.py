"""Security headers, cookie flags and the production start-up check."""

import pytest

from app import create_app
from core.security import InsecureConfiguration
from tests.conftest import PASSWORD, make_user, test_config


def test_every_page_sends_the_security_headers(client):
    response = client.get("/signin")
    csp = response.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/signin", base_url="https://guildhall.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_have_no_inline_script(world, login):
    client = login(world.users["admin"])
    for path in ["/", "/communities/", f"/communities/{world.community.slug}", "/me"]:
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        for tag in html.split("<script")[1:]:
            assert tag.split(">")[0].strip().startswith("src="), f"inline script on {path}"


def test_session_cookie_is_http_only_and_lax(client):
    make_user("ann@example.com")
    response = client.post("/signin", data={"email": "ann@example.com", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_configured(app, tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    secure = create_app(test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    assert secure.config["SESSION_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("secret", [None, "short"])
def test_production_refuses_to_start_with_a_weak_secret_key(tmp_path, monkeypatch, secret):
    monkeypatch.setenv("GUILDHALL_ENV", "production")
    if secret:
        monkeypatch.setenv("SECRET_KEY", secret)
    else:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_production_starts_with_a_real_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("GUILDHALL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["GUILDHALL_ENV"] == "production"


def _production_app(tmp_path, monkeypatch, **environment):
    monkeypatch.setenv("GUILDHALL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 48)
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def _session_cookie(site) -> str:
    response = site.test_client().get("/signin")  # the form's CSRF token starts a session
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_production_cookies_are_secure_unless_set_otherwise(tmp_path, monkeypatch):
    site = _production_app(tmp_path, monkeypatch)
    assert site.config["SESSION_COOKIE_SECURE"] is True
    assert site.config["REMEMBER_COOKIE_SECURE"] is True
    assert "Secure" in _session_cookie(site)


def test_production_cookies_can_be_made_plain_for_http(tmp_path, monkeypatch):
    site = _production_app(tmp_path, monkeypatch, SESSION_COOKIE_SECURE="false")
    assert site.config["SESSION_COOKIE_SECURE"] is False
    assert site.config["REMEMBER_COOKIE_SECURE"] is False
    assert "Secure" not in _session_cookie(site)


def test_development_and_tests_keep_cookies_plain(app, tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("GUILDHALL_ENV", "development")
    development = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}"})
    assert development.config["SESSION_COOKIE_SECURE"] is False
    assert development.config["REMEMBER_COOKIE_SECURE"] is False
    assert app.testing and app.config["SESSION_COOKIE_SECURE"] is False
