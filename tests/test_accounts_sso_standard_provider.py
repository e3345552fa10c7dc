"""Single sign-on against a certified provider (panva's oidc-provider, from npm) on 127.0.0.1.

At its default settings the provider keeps the e-mail out of the ID token and gives it
at the userinfo endpoint. Its own sign-in and consent pages are filled in over HTTP as a
person would; Guildhall's side runs in its test client.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from flask_login import FlaskLoginClient

from accounts import services
from app import create_app
from tests.conftest import close_app, make_user, test_config

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc_provider_node.mjs"
CLIENT_ID, CLIENT_SECRET = "guildhall", "guildhall-secret-at-least-32-characters-long"
CALLBACK = "http://localhost/signin/sso/callback"  # the test client's own address
ACCOUNTS = {
    "nina": {"email": "nina@example.com", "email_verified": True, "name": "Nina Node"},
    "ann": {"email": "ann@example.com", "email_verified": True, "name": "Ann Provider"},
}
FORM = re.compile(r'<form[^>]* action="([^"]+)"[^>]*>.*?name="prompt" value="(\w+)"', re.S)


def _missing_tool() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / "node_modules" / "oidc-provider" / "package.json").exists():
        return "the npm package oidc-provider is not installed (npm install)"
    return None


@pytest.fixture(scope="module")
def issuer():
    if missing := _missing_tool():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI tests single sign-on against oidc-provider, and {missing}")
        pytest.skip(missing)
    process = subprocess.Popen(
        ["node", str(SCRIPT), CLIENT_ID, CLIENT_SECRET, CALLBACK, json.dumps(ACCOUNTS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail("oidc-provider did not start: " + process.stderr.read()[-2000:])
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


@pytest.fixture
def sso_app(app, issuer, tmp_path):
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(OIDC_ISSUER=issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                  OIDC_PROVIDER_NAME="Contoso")  # fmt: skip
    sso_app = create_app(config)
    sso_app.test_client_class = FlaskLoginClient
    yield sso_app
    close_app(sso_app)


def sign_in_at_provider(client, issuer: str, login: str):
    """Guildhall → the provider's sign-in and consent pages → Guildhall's callback."""
    start = client.get("/signin/sso")
    assert start.status_code == 302 and start.location.startswith(issuer)
    browser, url = requests.Session(), start.location
    for _ in range(10):
        if not url.startswith(issuer):
            back = urlsplit(url)
            return client.get(f"{back.path}?{back.query}", follow_redirects=True)
        page = browser.get(url, allow_redirects=False, timeout=10)
        if not page.is_redirect:
            action, prompt = FORM.search(page.text).groups()
            fields = {"prompt": prompt, "login": login, "password": "any"}
            page = browser.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
        assert page.is_redirect, page.text[:500]
        url = urljoin(url, page.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def test_a_provider_that_shares_the_email_at_userinfo_signs_the_person_in(sso_app, issuer):
    client = sso_app.test_client()
    page = sign_in_at_provider(client, issuer, "nina").get_data(as_text=True)
    assert "Signed in as Nina Node." in page
    assert client.get("/me").status_code == 200
    user = services.find_user_by_email("nina@example.com")
    assert user.display_name == "Nina Node" and user.email_confirmed


def test_the_provider_signs_in_to_a_confirmed_existing_account(sso_app, issuer):
    existing = make_user("ann@example.com", "Ann Existing")
    client = sso_app.test_client()
    page = sign_in_at_provider(client, issuer, "ann").get_data(as_text=True)
    assert "Signed in as Ann Existing." in page
    assert services.find_user_by_email("ann@example.com").id == existing.id
