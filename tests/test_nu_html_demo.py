"""Every page a person can reach on the demo site is valid HTML for the W3C Nu checker.

The permission matrix's world (tests/test_nu_html_pages.py) is small: one channel, briefs
without posts, a catalog with a book or two. The demo data is the richer world (channels,
briefs with planned posts and tracked links, a catalog in every state, events with a
waitlist, a moderation queue with items), so each role walks it from the home page,
following the site's own links (GET pages only; never a tracked link, which counts a
visit), a few pages of each route, and the checker reads every page it met.
"""

import random
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from accounts.services import find_user_by_email
from demo import seed_demo
from tests.nu_checker import describe, nu_errors

# Who walks, in which language; None is a visitor, signed out.
WALKERS = [
    (None, "en"),
    ("employee@example.com", "en"),
    ("olena@example.com", "en"),
    ("andrii@example.com", "en"),
    ("smm@example.com", "en"),
    ("admin@example.com", "en"),
    ("olena@example.com", "uk"),
    ("smm@example.com", "uk"),
]
START = [
    "/",
    "/communities/project-managers/public",
    "/public/initiatives/1",
    "/search?q=book",
    "/search?q=книга",
]
PER_ROUTE = 5  # pages of one route a walker checks (five briefs, five events, …)
NOT_FOLLOWED = re.compile(r"^/(go/|signin/sso|static/|bootstrap/)")
HREF = re.compile(r'href="([^"#]*)')


def walk(app, client, language: str, name: str) -> dict[str, str]:
    """The HTML pages reachable from START by links, at most PER_ROUTE per route."""
    adapter = app.url_map.bind("localhost")
    seen, pages, per_route = set(), {}, Counter()
    queue = deque(START)
    while queue:
        address = queue.popleft()
        parts = urlsplit(address)
        if address in seen or NOT_FOLLOWED.match(parts.path):
            continue
        seen.add(address)
        try:
            endpoint, _values = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue
        if per_route[endpoint] >= PER_ROUTE:
            continue
        per_route[endpoint] += 1
        response = client.get(address, headers={"Accept-Language": language})
        assert response.status_code < 500, (name, address, response.status_code)
        if response.mimetype != "text/html" or response.status_code >= 300:
            continue
        page = response.get_data(as_text=True)
        pages[f"{name} {address} ({response.status_code})"] = page
        for href in HREF.findall(page):
            href = href.replace("&amp;", "&")
            target = urljoin(address, href)
            if target.startswith("/") and not target.startswith("//"):
                queue.append(target)
    return pages


@pytest.mark.xdist_group("nu-demo")
def test_every_page_of_the_demo_site_is_valid_html_for_every_role(app, login, monkeypatch):
    # With the CSRF fields pages have when served: a page with several forms has one in each.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    seed_demo(random.Random(2026))
    pages: dict[str, str] = {}
    for email, language in WALKERS:
        user = find_user_by_email(email) if email else None
        name = f"{language} {email or 'visitor'}"
        pages.update(walk(app, login(user), language, name))

    assert len(pages) > 600, f"the walk reached too few pages ({len(pages)})"
    errors = nu_errors(pages)
    pages_with_errors = len({error.page for error in errors})
    assert not errors, (
        f"{len(errors)} Nu HTML checker errors on {pages_with_errors} of {len(pages)} "
        f"pages:\n{describe(errors, most=200)}"
    )
