"""Every page of the permission matrix is valid HTML for the W3C Nu checker.

The matrix (tests/matrix/) names every route and the world its objects live in, so this
test reaches every page a role may open: each GET route for each role let in, in English
(and in Ukrainian for one role), the 403 and 404 pages, and the pages a form answers with
when the matrix's (mostly empty) answers are refused. A new route is checked by default.
"""

import re

from flask import url_for

from tests.matrix import ALLOWED, BAD_FORM, ROLES, all_cases, build_matrix_world
from tests.nu_checker import describe, nu_errors

CASES = all_cases()
# Ukrainian is checked as the first role in this order that may open the page.
UKRAINIAN_ROLE_ORDER = ("leader", "smm", "admin", "member", "employee", "visitor")
ERROR_PAGES = (403, 404)


def csrf_token(page: str) -> str | None:
    found = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)
    return found.group(1) if found else None


class Pages:
    """The HTML pages fetched so far, by name ("en leader GET /communities/x")."""

    def __init__(self, app, world):
        self.app = app
        self.world = world
        self.html: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.clients = {role: world.client_for(app, role) for role in ROLES}
        self._error_pages_seen: set[tuple] = set()

    def url(self, case) -> str:
        with self.app.test_request_context():
            return url_for(case.endpoint, **case.url_args(self.world))

    def fetch(self, case, role: str, language: str, data: dict | None = None) -> None:
        url = self.url(case)
        response = self.clients[role].open(
            url, method=case.method, data=data, headers={"Accept-Language": language}
        )
        assert response.status_code < 500, (case.id, role, response.status_code)
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            return  # a file, a feed, a download or a redirect
        page = response.get_data(as_text=True)
        if response.status_code in ERROR_PAGES:
            seen = (response.status_code, role, language)
            if seen in self._error_pages_seen:
                return
            self._error_pages_seen.add(seen)
        self.tokens.setdefault(role, csrf_token(page))
        self.html[f"{language} {role} {case.method} {url} ({response.status_code})"] = page


def ukrainian_role(case) -> str | None:
    return next((role for role in UKRAINIAN_ROLE_ORDER if case.expect[role] == ALLOWED), None)


def test_every_page_in_the_matrix_is_valid_html(app, monkeypatch):
    # With the CSRF fields pages have when served: a page with several forms has one in each.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    pages = Pages(app, build_matrix_world())
    for case in (case for case in CASES if case.method == "GET"):
        for role in ROLES:
            pages.fetch(case, role, "en")
        if role := ukrainian_role(case):
            pages.fetch(case, role, "uk")
    # The refused forms, after every GET (a POST may change the world).
    for case in (case for case in CASES if case.method == "POST"):
        for role in ROLES:
            if case.expect[role] in (ALLOWED, BAD_FORM) and pages.tokens.get(role):
                pages.fetch(case, role, "en", data={**case.data, "csrf_token": pages.tokens[role]})

    assert len(pages.html) > 300, "the matrix reached too few pages"
    errors = nu_errors(pages.html)
    pages_with_errors = len({error.page for error in errors})
    assert not errors, (
        f"{len(errors)} Nu HTML checker errors on {pages_with_errors} of {len(pages.html)} "
        f"pages:\n{describe(errors, most=200)}"
    )
