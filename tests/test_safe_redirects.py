"""Every redirect to a `next` target stays on this site: sign-in (signed in already, by
password, by SSO) and the language switch share one check."""

from urllib.parse import urlsplit

import pytest
import requests

from core.security import is_safe_redirect_target
from tests.conftest import PASSWORD, make_user
from tests.test_accounts_sso import provider, sso_app  # noqa: F401  (fixtures)

FOREIGN_TARGETS = [
    "//evil.example/phish",
    "////evil.example/phish",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%5C%5Cevil.example",
    "http://evil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "https:evil.example",
    "//evil.example:443@guildhall.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "\x01/evil.example",
    "/\x7f/evil.example",
    "evil.example",
    "",
    "/search?q=" + "a" * 20_000,  # a Location that long breaks proxies
]
SITE_TARGETS = [
    "/communities/",
    "/communities/?kind=practice",
    "/communities/project-managers?tab=events&page=2",
    "/search?q=%D0%BA%D0%BD%D0%B8%D0%B3%D0%B8",
    "/search?q=a%2Fb",
    "/me",
]
FALLBACK = "/"  # the home page


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_foreign_and_malformed_targets_are_refused(target):
    assert not is_safe_redirect_target(target)


@pytest.mark.parametrize("target", SITE_TARGETS)
def test_paths_on_this_site_are_followed(target):
    assert is_safe_redirect_target(target)


def test_a_target_is_at_most_2000_characters():
    assert is_safe_redirect_target("/search?q=" + "a" * (2000 - len("/search?q=")))
    assert not is_safe_redirect_target("/search?q=" + "a" * (2001 - len("/search?q=")))


def test_nothing_is_no_target():
    assert not is_safe_redirect_target(None)


@pytest.mark.parametrize("target", FOREIGN_TARGETS + SITE_TARGETS)
def test_sign_in_page_of_a_signed_in_person_stays_on_the_site(app, login, target):
    signed_in = login(make_user("ann@example.com"))
    response = signed_in.get("/signin", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == (target if target in SITE_TARGETS else FALLBACK)


@pytest.mark.parametrize("target", FOREIGN_TARGETS + SITE_TARGETS)
def test_password_sign_in_stays_on_the_site(client, target):
    make_user("ann@example.com")
    response = client.post(
        "/signin",
        query_string={"next": target},
        data={"email": "ann@example.com", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == (target if target in SITE_TARGETS else FALLBACK)


@pytest.mark.parametrize("target", FOREIGN_TARGETS + SITE_TARGETS)
def test_language_switch_stays_on_the_site(client, target):
    response = client.post("/language", data={"language": "uk", "next": target})
    assert response.status_code == 302
    assert response.location == (target if target in SITE_TARGETS else "/")


@pytest.mark.parametrize(
    "target",
    ["////evil.example/phish", "/\\evil.example", "/%2F%2Fevil.example", "https://evil.example/"]
    + SITE_TARGETS[:2],
)
def test_sso_sign_in_stays_on_the_site(sso_app, target):  # noqa: F811
    client = sso_app.test_client()
    start = client.get("/signin/sso", query_string={"next": target})
    at_provider = requests.get(start.location, allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302
    assert response.location == (target if target in SITE_TARGETS else FALLBACK)
