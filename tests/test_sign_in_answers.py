"""Sign-in tells nobody whether an address has an account: the same page, the same work.

How long each answer takes is measured by bench/sign_in_timing.py, not here: a
timed test fails whenever the machine is busy. What makes the times alike is
checked here, without a clock: both answers check the password against a hash
made with the site's method and cost.
"""

import re

import pytest
from itsdangerous import TimestampSigner

import accounts.models
import accounts.services
from tests.conftest import make_user

# A CSRF token is signed with a timestamp in seconds, so two pages made either
# side of a second differ; they are the same page once the tokens are taken out.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="(?P<token>[^"]*)"')


def without_tokens(status: int, page: str, email: str) -> tuple[int, str]:
    return status, CSRF_TOKEN.sub('name="csrf_token" value=""', page).replace(email, "")


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """The method (and cost) of each password hash that sign-in checks against."""
    methods: list[str] = []

    def spy(real):
        def check_password_hash(pwhash: str, password: str) -> bool:
            methods.append(pwhash.split("$", 1)[0])
            return real(pwhash, password)

        return check_password_hash

    for module in (accounts.models, accounts.services):
        monkeypatch.setattr(module, "check_password_hash", spy(module.check_password_hash))
    return methods


def test_unknown_email_and_wrong_password_get_the_same_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the pages carry their tokens
    seconds = iter(range(1_800_000_000, 1_900_000_000))  # each token signed a second later
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda signer: next(seconds))
    make_user("ann@example.com")
    pages, tokenless = {}, {}
    for email in ("ann@example.com", "nobody@example.com"):
        token = CSRF_TOKEN.search(client.get("/signin").get_data(as_text=True)).group("token")
        response = client.post(
            "/signin", data={"email": email, "password": "not it at all", "csrf_token": token}
        )
        page = response.get_data(as_text=True)
        pages[email] = (response.status_code, page.replace(email, ""))
        tokenless[email] = without_tokens(response.status_code, page, email)

    assert "Wrong email or password." in tokenless["ann@example.com"][1]
    assert pages["ann@example.com"] != pages["nobody@example.com"]  # the tokens' seconds differ
    assert tokenless["ann@example.com"] == tokenless["nobody@example.com"]


@pytest.mark.parametrize("email", ["ann@example.com", "nobody@example.com", "ANN@example.com "])
def test_every_wrong_sign_in_checks_one_hash_of_the_sites_method(
    app, client, monkeypatch, password_checks, email
):
    """A wrong password and an unknown address cost the same: one check at production's cost."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # production's method
    make_user("ann@example.com")

    response = client.post("/signin", data={"email": email, "password": "not it at all"})

    assert "Wrong email or password." in response.get_data(as_text=True)
    assert len(password_checks) == 1, password_checks
    assert password_checks[0].startswith("scrypt:"), password_checks
