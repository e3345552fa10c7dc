"""Single sign-on against a real (fake) OpenID Connect provider on 127.0.0.1."""

import json
import socket
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask_login import FlaskLoginClient

from accounts import services
from app import create_app
from core.extensions import db
from tests.conftest import close_app, make_user, test_config
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, FakeOIDCProvider


@pytest.fixture(scope="module")
def provider():
    provider = FakeOIDCProvider().start()
    yield provider
    provider.stop()


def make_sso_app(app, provider, tmp_path, **settings):
    """The test app's database, with SSO pointed at the fake provider."""
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                  OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_PROVIDER_NAME="Contoso")  # fmt: skip
    config.update(settings)
    sso_app = create_app(config)
    sso_app.test_client_class = FlaskLoginClient
    return sso_app


@pytest.fixture
def sso_app(app, provider, tmp_path):
    sso_app = make_sso_app(app, provider, tmp_path)
    provider.reset()
    yield sso_app
    provider.reset()
    close_app(sso_app)


def sign_in_through_provider(client):
    """Follow the real redirects: app → provider (over HTTP) → app's callback."""
    start = client.get("/signin/sso")
    assert start.status_code == 302
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=True)


def test_sign_in_page_offers_the_provider(sso_app):
    page = sso_app.test_client().get("/signin").get_data(as_text=True)
    assert "Sign in with Contoso" in page


def test_first_sso_sign_in_creates_the_account(sso_app):
    client = sso_app.test_client()
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert "Signed in as Sso User." in page
    with sso_app.app_context():
        user = services.find_user_by_email("sso.user@example.com")
        assert user.password_hash is None
    assert client.get("/me").status_code == 200


def test_sso_matches_an_existing_account_by_email(sso_app, provider):
    existing = make_user("ann@example.com", "Ann Existing")
    provider.user = {**provider.user, "email": "ANN@example.com", "name": "Ann From SSO"}
    try:
        page = sign_in_through_provider(sso_app.test_client()).get_data(as_text=True)
    finally:
        provider.user = {**provider.user, "email": "sso.user@example.com", "name": "Sso User"}
    assert "Signed in as Ann Existing." in page
    assert services.find_user_by_email("ann@example.com").id == existing.id


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"aud": "another-app"}, "The sign-in was meant for another application."),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
         "The sign-in took too long and expired."),
        ({"email_verified": False}, "Your email address is not verified"),
        ({"email": "someone@gmail.com"}, "Sign-up is open to @example.com addresses only."),
        ({"iss": "https://evil.example"}, "could not be trusted"),
        ({"nonce": "replayed"}, "could not be trusted"),
    ],
)  # fmt: skip
def test_bad_tokens_are_refused_with_a_clear_message(sso_app, provider, claims, message):
    provider.next_claims = claims
    client = sso_app.test_client()
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert message in page
    assert client.get("/me").status_code == 302  # still signed out
    assert services.find_user_by_email(claims.get("email", "sso.user@example.com")) is None


def test_a_callback_without_a_started_sign_in_is_refused(sso_app):
    page = sso_app.test_client().get("/signin/sso/callback?code=x&state=y", follow_redirects=True)
    assert "Single sign-on did not complete." in page.get_data(as_text=True)


def test_sso_routes_are_absent_when_sso_is_off(client):
    assert client.get("/signin/sso").status_code == 404
    assert client.get("/signin/sso/callback").status_code == 404


def test_password_sign_in_can_be_turned_off_when_sso_is_on(sso_app, monkeypatch):
    monkeypatch.setitem(sso_app.config, "PASSWORD_SIGN_IN", False)
    client = sso_app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    assert "Sign in with Contoso" in page and 'name="password"' not in page
    assert (
        client.post("/signin", data={"email": "a@example.com", "password": "x"}).status_code == 400
    )
    assert client.get("/signup").status_code == 302


def test_sso_does_not_hand_over_an_account_whose_address_was_never_confirmed(sso_app, provider):
    # The attack: sign up with the owner's address and a password of one's own, then
    # wait for the owner to sign in with single sign-on.
    attacker = sso_app.test_client()
    password = "the attacker's password"
    signup = {"display_name": "Sso User", "email": "sso.user@example.com",
              "password": password, "confirm": password}  # fmt: skip
    assert attacker.post("/signup", data=signup).status_code == 302
    owner = sso_app.test_client()
    page = sign_in_through_provider(owner).get_data(as_text=True)
    assert "its address was never confirmed, so single sign-on cannot open it" in page
    assert owner.get("/me").status_code == 302
    attacker.post("/signin", data={"email": signup["email"], "password": signup["password"]})
    assert attacker.get("/me").status_code == 302


def test_sso_joins_an_account_once_its_password_was_reset(sso_app, provider):
    planted = services.create_user("sso.user@example.com", "Planted", "the attacker's password")
    db.session.commit()
    owner = sso_app.test_client()
    reset = services.password_reset_token(planted)
    new_password = {"password": "mine now", "confirm": "mine now"}
    assert owner.post(f"/password/reset/{reset}", data=new_password).location == "/signin"
    page = sign_in_through_provider(owner).get_data(as_text=True)
    assert "Signed in as Planted." in page


def test_a_provider_that_cannot_be_reached_gets_a_clear_message(app, tmp_path):
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(OIDC_ISSUER=f"http://127.0.0.1:{closed}", OIDC_CLIENT_ID=CLIENT_ID,
                  OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_PROVIDER_NAME="Contoso")  # fmt: skip
    down = create_app(config)
    try:
        client = down.test_client()
        response = client.get("/signin/sso")
        assert response.status_code == 302 and response.location == "/signin"
        page = client.get("/signin").get_data(as_text=True)
        assert "Contoso cannot be reached right now." in page
    finally:
        close_app(down)


USERINFO_ONLY = ("email", "email_verified")  # the ID token leaves these to userinfo


NOT_AN_OBJECT = ["[1, 2]", "null", '"text"', "42", "<html>oops</html>"]


@pytest.mark.parametrize(
    ("endpoint", "answer"),
    [("userinfo", answer) for answer in NOT_AN_OBJECT]
    + [("token", answer) for answer in NOT_AN_OBJECT]
    + [("token", '{"access_token": "x", "token_type": "Bearer"}')],  # no ID token
)
def test_an_answer_that_is_not_a_usable_json_object_is_refused(sso_app, provider, endpoint, answer):
    if endpoint == "userinfo":
        provider.id_token_leaves_out, provider.userinfo_answer = USERINFO_ONLY, answer
    else:
        provider.token_answer = answer
    client = sso_app.test_client()
    response = sign_in_through_provider(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "could not be trusted" in page or "Single sign-on did not complete." in page
    assert client.get("/me").status_code == 302
    assert services.find_user_by_email("sso.user@example.com") is None


def test_a_huge_userinfo_answer_is_not_read(sso_app, provider):
    provider.id_token_leaves_out = USERINFO_ONLY
    provider.userinfo_answer = json.dumps({**provider.user, "padding": "x" * 200_000})
    client = sso_app.test_client()
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert "Single sign-on did not complete." in page
    assert client.get("/me").status_code == 302


def test_without_an_id_token_a_userinfo_answer_without_a_subject_is_not_trusted(sso_app, provider):
    provider.token_answer = json.dumps({"access_token": "x", "token_type": "Bearer"})
    provider.userinfo = {"email": "sso.user@example.com", "email_verified": True}
    client = sso_app.test_client()
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert "could not be trusted" in page
    assert client.get("/me").status_code == 302


def test_a_userinfo_answer_for_another_subject_is_not_trusted(sso_app, provider):
    provider.id_token_leaves_out = USERINFO_ONLY
    provider.userinfo = {"email": "olena@example.com", "email_verified": True}  # no sub
    client = sso_app.test_client()
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert "could not be trusted" in page
    assert services.find_user_by_email("olena@example.com") is None


@pytest.mark.parametrize("discovery", ['{"issuer": "x"}', "[1, 2]", "null", '"text"', "<html>"])
def test_a_broken_discovery_document_is_a_clear_message_and_is_not_kept(
    sso_app, provider, discovery
):
    provider.discovery = discovery
    client = sso_app.test_client()
    response = client.get("/signin/sso")
    assert response.status_code == 302 and response.location == "/signin"
    assert "Contoso cannot be reached right now." in client.get("/signin").get_data(as_text=True)
    provider.discovery = None  # mended: the next sign-in asks the provider again
    page = sign_in_through_provider(client).get_data(as_text=True)
    assert "Signed in as Sso User." in page


def test_a_slow_provider_is_given_up_on_after_oidc_timeout(app, provider, tmp_path):
    slow = make_sso_app(app, provider, tmp_path, OIDC_TIMEOUT=0.5)
    provider.reset()
    provider.delay = 20
    try:
        client = slow.test_client()
        started = time.monotonic()
        page = sign_in_through_provider(client).get_data(as_text=True)
        # Long before the provider would have answered, with room for a busy machine.
        assert time.monotonic() - started < provider.delay / 2
        assert "Contoso cannot be reached right now." in page
        assert client.get("/me").status_code == 302
    finally:
        provider.reset()
        close_app(slow)


@pytest.mark.parametrize("verified", ["true", "TRUE"])
def test_email_verified_sent_as_a_string_is_accepted(sso_app, provider, verified):
    provider.next_claims = {"email_verified": verified}
    assert "Signed in as Sso User." in sign_in_through_provider(sso_app.test_client()).get_data(
        as_text=True
    )


@pytest.mark.parametrize("verified", ["false", "yes", 1, None])
def test_email_verified_other_than_true_is_refused(sso_app, provider, verified):
    provider.next_claims = {"email_verified": verified}
    page = sign_in_through_provider(sso_app.test_client()).get_data(as_text=True)
    assert "Your email address is not verified" in page


def test_email_verified_is_read_from_userinfo_when_the_id_token_leaves_it_out(sso_app, provider):
    provider.id_token_leaves_out = ("email_verified",)
    page = sign_in_through_provider(sso_app.test_client()).get_data(as_text=True)
    assert "Signed in as Sso User." in page


def _plant_unconfirmed_account():
    services.create_user("sso.user@example.com", "Planted", "the attacker's password")
    db.session.commit()


def test_the_refusal_for_an_unconfirmed_address_links_to_the_password_reset(sso_app):
    _plant_unconfirmed_account()
    page = sign_in_through_provider(sso_app.test_client()).get_data(as_text=True)
    assert 'Set a new password for it with <a href="/password/reset">Forgot your password?</a>' in (
        page
    )


def test_without_password_sign_in_the_refusal_says_to_ask_an_admin(sso_app, monkeypatch):
    monkeypatch.setitem(sso_app.config, "PASSWORD_SIGN_IN", False)
    _plant_unconfirmed_account()
    page = sign_in_through_provider(sso_app.test_client()).get_data(as_text=True)
    assert "Ask a site admin for help." in page
    assert "Forgot your password?" not in page


def test_the_default_provider_name_speaks_the_pages_language(app, provider, tmp_path):
    unnamed = make_sso_app(app, provider, tmp_path, OIDC_PROVIDER_NAME=None)
    try:
        client = unnamed.test_client()
        assert "Sign in with company account" in client.get("/signin").get_data(as_text=True)
        client.post("/language", data={"language": "uk"})
        page = client.get("/signin").get_data(as_text=True)
        assert "Увійти через корпоративний обліковий запис" in page
    finally:
        close_app(unnamed)


def test_the_provider_is_sent_back_to_the_site_whatever_the_host(sso_app):
    sso_app.config["SITE_URL"] = "https://guildhall.example.com"
    start = sso_app.test_client().get("/signin/sso", base_url="http://attacker.example")
    redirect_uri = parse_qs(urlsplit(start.location).query)["redirect_uri"][0]
    assert redirect_uri == "https://guildhall.example.com/signin/sso/callback"
