"""Every limit in configuration guards the routes it should, in memory and in Redis."""

import re
import uuid

import pytest
import redis
from flask import current_app, url_for

from app import create_app
from core.extensions import limiter
from tests.conftest import PASSWORD, close_app, make_user, missing_tool, test_config
from tests.matrix import ALLOWED, ROLES, all_cases, build_matrix_world
from tests.test_initiatives_support import build_catalog, uploads_fixture  # noqa: F401

REDIS_URL = "redis://127.0.0.1:6379/15"
STORAGES = ["memory://", REDIS_URL]


def _redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def _limited_app(app, tmp_path, storage: str, **limits):
    if storage.startswith("redis") and not _redis_available():
        missing_tool("Redis is not reachable on 127.0.0.1:6379: limits checked in memory only")
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    prefix = f"guildhall-test-{uuid.uuid4().hex}"
    config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=prefix,  # no state from other runs
        **limits,
    )
    if storage.startswith("redis"):
        # limiter.reset() deletes every key under the storage's prefix ("LIMITS" unless
        # told): only this app's, not those of a test running beside it (another xdist
        # worker, another suite on the same Redis).
        config["RATELIMIT_STORAGE_OPTIONS"] = {"key_prefix": f"LIMITS-{prefix}"}
    return create_app(config)


def client_as(limited, user):
    """A client of `limited` signed in as `user` (None: a visitor)."""
    client = limited.test_client()
    if user is not None:
        # Read the id here: loading an expired object inside the other app's context
        # would borrow a connection from that app's engine and keep it.
        user_id = user.get_id()  # Flask-Login's alternative id, as its test client sets
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
    return client


@pytest.fixture
def restore_limiter():
    # Flask-Limiter keeps its settings on the one (process-wide) Limiter; put the
    # suite's back afterwards so other tests stay unlimited.
    saved = dict(vars(limiter))
    yield
    limiter.reset()
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture(params=STORAGES, ids=lambda uri: uri.split(":")[0])
def limited_app(request, app, tmp_path, restore_limiter):
    limited = _limited_app(
        app,
        tmp_path,
        request.param,
        SIGNIN_RATE_LIMIT="3 per minute",
        PASSWORD_CHANGE_RATE_LIMIT="2 per hour",
        SIGNUP_RATE_LIMIT="2 per hour",
        PASSWORD_RESET_RATE_LIMIT="2 per hour",
        CONFIRMATION_RESEND_RATE_LIMIT="2 per hour",
        SEARCH_RATE_LIMIT="3 per minute",
    )
    yield limited
    close_app(limited)


def test_a_reset_beside_a_test_leaves_its_counters_alone(app, tmp_path, restore_limiter):
    """A test's teardown (limiter.reset()) while another runs beside it on the same Redis."""
    ann = make_user("ann@example.com")
    mine = _limited_app(app, tmp_path / "mine", REDIS_URL, SEARCH_RATE_LIMIT="3 per minute")
    mine_limiter = dict(vars(limiter))  # the Limiter is process-wide: each app sets it up anew
    client = client_as(mine, ann)
    assert [client.get("/search?q=agile").status_code for _ in range(3)] == [200, 200, 200]

    beside = _limited_app(app, tmp_path / "beside", REDIS_URL)
    limiter.reset()  # the other test ends
    close_app(beside)
    vars(limiter).clear()
    vars(limiter).update(mine_limiter)

    assert client.get("/search?q=agile").status_code == 429
    close_app(mine)


# What each limit must guard at least (endpoint, method); routes added later under a
# configured limit are found by the test below, which tries every route.
GUARDED = {
    "SIGNIN_RATE_LIMIT": {("accounts.signin", "POST")},
    "PASSWORD_CHANGE_RATE_LIMIT": {("accounts.change_password", "POST")},
    "SIGNUP_RATE_LIMIT": {("accounts.signup", "POST")},
    "CONFIRMATION_RESEND_RATE_LIMIT": {("accounts.resend_confirmation", "POST")},
    "PASSWORD_RESET_RATE_LIMIT": {
        ("accounts.request_password_reset", "POST"),
        ("accounts.reset_password", "POST"),
    },
    "PUBLIC_FORM_RATE_LIMIT": {
        ("initiatives.public_offer", "POST"),
        ("initiatives.public_request", "POST"),
        ("initiatives.public_interest", "POST"),
    },
    "SEARCH_RATE_LIMIT": {("search.results", "GET")},
}


def requests_until_refused(client, case, url: str, most: int) -> int | None:
    """How many requests pass before a 429, or None when `most` + 1 all pass."""
    for sent in range(most + 1):
        response = client.open(url, method=case.method, data=case.data)
        assert response.status_code != 500, url
        if response.status_code == 429:
            return sent
    return None


def served_role(case) -> str:
    """The first role the route serves (a visitor where it may), so that requests reach
    the view itself and not only the sign-in redirect or the 403 in front of it; a
    route that serves no one (switched off by configuration) is tried as a visitor."""
    return next((role for role in ROLES if case.expect[role] == ALLOWED), "visitor")


def limited_routes(limited, world, cases, most: int) -> dict[tuple, int]:
    """Each route of `cases` that a 429 stops, with the number of requests that passed."""
    found = {}
    for case in cases:
        # The URL is made in the suite's app, whose session holds the world's objects.
        with current_app.test_request_context():
            url = url_for(case.endpoint, **case.url_args(world))
        client = client_as(limited, world.users[served_role(case)])
        passed = requests_until_refused(client, case, url, most)
        if passed is not None:
            found[(case.endpoint, case.method)] = passed
    return found


@pytest.mark.parametrize("storage", STORAGES, ids=lambda uri: uri.split(":")[0])
def test_every_configured_limit_guards_its_routes(app, tmp_path, storage, restore_limiter, capsys):
    """Every route of the matrix is requested twice with each `*_RATE_LIMIT` setting at
    one a minute, which finds the limited ones; then each setting gets its own number,
    and how many requests pass tells which setting holds each limited route."""
    settings = sorted(key for key in app.config if key.endswith("_RATE_LIMIT"))
    world = build_matrix_world()
    cases = list({(case.endpoint, case.method): case for case in all_cases()}.values())

    one_each = _limited_app(app, tmp_path, storage, **dict.fromkeys(settings, "1 per minute"))
    limited = limited_routes(one_each, world, cases, most=1)
    close_app(one_each)

    allowance = {key: index + 2 for index, key in enumerate(settings)}
    numbered = _limited_app(app, tmp_path, storage,
                            **{key: f"{n} per minute" for key, n in allowance.items()})  # fmt: skip
    setting_by_allowance = {n: key for key, n in allowance.items()}
    guarded: dict[str, set] = {key: set() for key in settings}
    again = [case for case in cases if (case.endpoint, case.method) in limited]
    for route, passed in limited_routes(numbered, world, again, max(allowance.values())).items():
        guarded[setting_by_allowance[passed]].add(route)
    close_app(numbered)

    for key, routes in GUARDED.items():
        assert routes <= guarded[key], key
    assert [key for key, routes in guarded.items() if not routes] == [], "limits guarding nothing"
    assert set(limited) == set().union(*guarded.values())
    with capsys.disabled():
        found = ", ".join(f"{key} {len(routes)}" for key, routes in guarded.items())
        print(f"\nrate limits on {storage}: {len(cases)} routes tried; routes guarded: {found}")


def test_sign_in_is_limited_per_address_whatever_the_email(limited_app):
    make_user("ann@example.com")
    client = limited_app.test_client()
    answers = [
        client.post("/signin", data={"email": f"guess{i}@example.com", "password": "x"}).status_code
        for i in range(3)
    ]
    assert answers == [400, 400, 400]
    blocked = client.post("/signin", data={"email": "ann@example.com", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.get_data(as_text=True)
    other_address = limited_app.test_client().post(
        "/signin",
        data={"email": "ann@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert other_address.status_code == 302


def test_password_change_tries_are_limited_per_account_from_any_address(limited_app):
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")
    guess = {"current_password": "a guess", "password": "new password", "confirm": "new password"}
    laptop = client_as(limited_app, ann)
    assert [laptop.post("/me/password", data=guess).status_code for _ in range(2)] == [400, 400]
    phone = client_as(limited_app, ann)
    elsewhere = {"REMOTE_ADDR": "10.0.0.2"}
    assert phone.post("/me/password", data=guess, environ_base=elsewhere).status_code == 429
    assert client_as(limited_app, bob).post("/me/password", data=guess).status_code == 400


def test_viewing_the_sign_in_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    assert {client.get("/signin").status_code for _ in range(6)} == {200}


def test_sign_up_is_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/signup", data={}).status_code == 400
    assert client.post("/signup", data={}).status_code == 429


def test_sending_the_confirmation_link_again_is_limited_per_account(limited_app):
    client = limited_app.test_client()
    signup = {"display_name": "Nina", "email": "nina@example.com", "password": "long enough",
              "confirm": "long enough"}  # fmt: skip
    assert client.post("/signup", data=signup).location == "/signup/check-inbox"
    for _ in range(2):
        assert client.post("/signup/check-inbox").status_code == 302
    refused = client.post("/signup/check-inbox")
    assert refused.status_code == 429
    # The waiting page again, saying when to ask next rather than a bare error page.
    page = refused.get_data(as_text=True)
    assert "Check your inbox" in page and "nina@example.com" in page
    assert re.search(r"You can ask again in (60|59) minutes\.", page)
    assert "Send the link again" not in page
    # A new address does not refill the account's allowance.
    elsewhere = client.post("/signup/check-inbox", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert elsewhere.status_code == 429


def test_password_reset_requests_are_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/password/reset", data={"email": "a@example.com"}).status_code == 302
    assert client.post("/password/reset", data={"email": "a@example.com"}).status_code == 429


def test_search_is_limited_per_account_not_per_shared_address(limited_app):
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")
    ann_client = client_as(limited_app, ann)
    answers = [ann_client.get("/search?q=agile").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # A colleague behind the same office address still has her own allowance...
    assert client_as(limited_app, bob).get("/search?q=agile").status_code == 200
    # ...and a new address does not give Ann a new one.
    elsewhere = client_as(limited_app, ann).get(
        "/search?q=agile", environ_base={"REMOTE_ADDR": "10.0.0.2"}
    )
    assert elsewhere.status_code == 429


def test_visitors_searching_are_counted_by_address_before_being_sent_to_sign_in(limited_app):
    client = limited_app.test_client()
    answers = [client.get("/search?q=agile").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    other_address = client.get("/search?q=agile", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other_address.status_code == 302


PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request reaches the app from the reverse proxy


@pytest.fixture
def proxied(app, tmp_path, restore_limiter):
    """Apps with the sign-in and public-form limits at 3, behind `n` trusted proxies."""
    made = []

    def make(n: int):
        made.append(_limited_app(app, tmp_path, "memory://", PROXY_FIX_X_FOR=n,
                                 SIGNIN_RATE_LIMIT="3 per minute",
                                 PUBLIC_FORM_RATE_LIMIT="3 per minute"))  # fmt: skip
        return made[-1]

    yield make
    for limited in made:
        close_app(limited)


def _public_interest_url() -> str:
    catalog = build_catalog()
    return f"/public/initiatives/{catalog.initiative.id}/interest"


LIMITED_FORMS = {
    "sign-in": lambda: ("/signin", {"email": "guess@example.com", "password": "x"}),
    "public form": lambda: (_public_interest_url(), {"name": "", "email": "not an address"}),
}


@pytest.mark.parametrize("form", LIMITED_FORMS)
def test_behind_a_proxy_each_client_has_its_own_allowance(proxied, uploads, form):
    url, data = LIMITED_FORMS[form]()
    limited = proxied(1)

    def post(client: str):
        return limited.test_client().post(
            url, data=data, environ_base=PROXY, headers={"X-Forwarded-For": client}
        )

    assert [post("203.0.113.5").status_code for _ in range(3)] == [400] * 3
    assert post("203.0.113.5").status_code == 429
    # A colleague coming through the same proxy is not throttled with him...
    assert post("203.0.113.6").status_code == 400
    # ...and the throttled client cannot pass as another by writing the header himself:
    # the proxy appends the address it saw, and only that one is believed.
    assert post("198.51.100.7, 203.0.113.5").status_code == 429


@pytest.mark.parametrize("form", LIMITED_FORMS)
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(proxied, uploads, form):
    url, data = LIMITED_FORMS[form]()
    limited = proxied(0)

    def post(client: str):
        return limited.test_client().post(
            url, data=data, environ_base=PROXY, headers={"X-Forwarded-For": client}
        )

    assert [post(f"203.0.113.{n}").status_code for n in range(3)] == [400] * 3
    assert post("203.0.113.99").status_code == 429
