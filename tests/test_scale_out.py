"""Two gunicorn masters on one PostgreSQL and one Redis behave as one site.

Nothing lives in a worker: the session is a signed cookie, rate-limit counters
are in Redis, the search index is one folder every process writes under its
file lock, and seats are counted under the event's row lock in the database.
"""

import os
import re
import secrets
import threading
from datetime import timedelta

import pytest
import redis
import requests
from sqlalchemy import func, select

from bench.run import gunicorn
from bench.sessions import HEADERS, minted, sign_in
from core.extensions import db
from core.models import utcnow
from events import planning
from events.models import EventVisibility, Registration, RegistrationStatus
from search.index import search_index
from tests.conftest import PASSWORD, free_port, make_user, missing_tool, redis_is_up

REDIS_URL = "redis://127.0.0.1:6379/14"
FIGURES = "guildhall:figures:*"  # core/config.py: figures_cache_config
# Both sites keep their figures under the same keys in that Redis database, and test
# ids restart with each test: under pytest-xdist this file's tests run one at a time
# on one worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("redis-14")


class TwoSites(tuple):
    """The two base URLs, and the prefix of their rate-limit keys in Redis."""

    def __new__(cls, first: str, second: str, prefix: str):
        sites = super().__new__(cls, (first, second))
        sites.prefix = prefix
        return sites


def _forget_figures(shared: redis.Redis) -> None:
    for name in shared.scan_iter(FIGURES):
        shared.delete(name)


@pytest.fixture
def two_sites(app, world, monkeypatch):
    """The same site served twice, as on two hosts: (first, second) base URLs."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several hosts share PostgreSQL; SQLite is for one machine")
    if not redis_is_up(REDIS_URL):
        missing_tool("Redis is not running on 127.0.0.1:6379")
    search_index().rebuild()
    key = secrets.token_hex(32)
    monkeypatch.setitem(app.config, "SECRET_KEY", key)  # so the test can mint sessions too
    prefix = f"scale-out-{secrets.token_hex(4)}"
    env = {
        **os.environ, "GUILDHALL_ENV": "production", "SECRET_KEY": key,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix, "SIGNIN_RATE_LIMIT": "4 per minute",
        "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"], "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "SESSION_COOKIE_SECURE": "false",  # plain HTTP on loopback: the cookie must come back
    }  # fmt: skip
    shared = redis.Redis.from_url(REDIS_URL)
    # Kept figures of an earlier test's rows: the tables restart their ids for each test.
    _forget_figures(shared)
    with (
        gunicorn("app:create_app()", free_port(), 2, env) as first,
        gunicorn("app:create_app()", free_port(), 2, env) as second,
    ):
        yield TwoSites(first, second, prefix=prefix)
    for name in shared.scan_iter(f"*{prefix}*"):  # limits names keys LIMITS:LIMITER/<prefix>/…
        shared.delete(name)
    _forget_figures(shared)


def test_signed_in_on_one_host_continues_on_the_other(two_sites, world):
    first, second = two_sites
    cookie = sign_in(first, "member@example.com", PASSWORD)
    page = requests.get(f"{second}/me", headers={**HEADERS, "Cookie": cookie}, timeout=30)
    assert page.status_code == 200
    assert "Max Member" in page.text


def test_sign_in_attempts_are_counted_across_hosts(two_sites, world):
    first, second = two_sites
    # One browser: its session cookie (and so its CSRF token) is good on both hosts, which
    # share the secret key; every attempt is a real, valid form post with a wrong password.
    browser = requests.Session()
    browser.headers.update(HEADERS)
    form = browser.get(f"{first}/signin", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    attempts = [first, second, first, second, first, second]
    answers = [
        browser.post(f"{base}/signin", timeout=30, allow_redirects=False,
                     data={"csrf_token": token, "email": "x@example.com", "password": "no"})
        for base in attempts
    ]  # fmt: skip
    # The first four reach the form and are told the password is wrong (not a CSRF refusal).
    assert [a.status_code for a in answers[:4]] == [400] * 4
    assert all("Wrong email or password." in a.text for a in answers[:4])
    # 4 per minute for the address, whichever host answers: each host saw at most three
    # attempts, so only a counter they share can refuse the fifth and the sixth.
    assert [a.status_code for a in answers[4:]] == [429, 429]
    shared = redis.Redis.from_url(REDIS_URL)
    assert any(shared.scan_iter(f"*{two_sites.prefix}*"))


def test_sign_ups_through_both_hosts_never_oversell(app, two_sites, world):
    people = [make_user(f"runner{n}@example.com") for n in range(16)]
    starts = utcnow() + timedelta(days=3)
    event = planning.create_event(
        world.users["leader"],
        world.community,
        planning.EventDetails(
            title="Five seats", starts_at=starts, ends_at=starts + timedelta(hours=1),
            timezone="UTC", capacity=5, visibility=EventVisibility.EMPLOYEES,
        ),
    )  # fmt: skip
    db.session.commit()
    event_id = event.id  # read here: the threads have no application context to load it
    sessions = [minted(app, person.id) for person in people]
    together = threading.Barrier(len(sessions))
    statuses = []

    def register(n: int) -> None:
        cookie, token = sessions[n]
        base = two_sites[n % 2]
        together.wait()
        answer = requests.post(
            f"{base}/events/{event_id}/register", data={"csrf_token": token},
            headers={**HEADERS, "Cookie": cookie}, allow_redirects=False, timeout=60,
        )  # fmt: skip
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * len(sessions)
    db.session.expire_all()
    counts = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
    )
    assert counts == {RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITLISTED: 11}


def test_a_change_made_through_one_host_is_found_through_the_other(app, two_sites, world):
    first, second = two_sites
    admin = world.users["admin"]
    cookie, token = minted(app, admin.id)
    made = requests.post(
        f"{first}/communities/new",
        data={"csrf_token": token, "name": "Zebrafish Keepers", "kind": "interest",
              "description": "Aquariums at the office.", "join_policy": "open"},
        headers={**HEADERS, "Cookie": cookie}, allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert made.status_code == 302, made.text

    found = requests.get(
        f"{second}/search", params={"q": "zebrafish"}, headers={**HEADERS, "Cookie": cookie},
        timeout=30,
    )  # fmt: skip
    assert found.status_code == 200
    words = " ".join(re.sub(r"<[^>]+>", " ", found.text).split())  # the hit is highlighted
    assert "Zebrafish Keepers Community" in words
    assert "being rebuilt" not in found.text  # found in the shared index, not the fallback


def test_a_join_through_one_host_shows_in_the_figures_the_other_keeps(app, two_sites, world):
    """The community page's growth is kept in Redis (core/figures.py): a join committed by
    one host must renew it for the other, which has it kept from before."""
    first, second = two_sites
    slug = world.community.slug
    employee, member = (minted(app, world.users[role].id) for role in ("employee", "member"))

    def members_seen_through(base: str) -> str:
        page = requests.get(f"{base}/communities/{slug}",
                            headers={**HEADERS, "Cookie": member[0]}, timeout=30)  # fmt: skip
        assert page.status_code == 200
        return re.search(r"Members \((\d+)\)", page.text).group(1)

    assert members_seen_through(second) == members_seen_through(second) == "2"  # now kept
    joined = requests.post(
        f"{first}/communities/{slug}/join", data={"csrf_token": employee[1]},
        headers={**HEADERS, "Cookie": employee[0]}, allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert joined.status_code == 302
    assert members_seen_through(second) == "3"
    assert any(redis.Redis.from_url(REDIS_URL).scan_iter(FIGURES))  # it was kept there
