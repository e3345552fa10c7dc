"""Sign-in and sign-up are rate limited per address, in memory and in Redis."""

import os
import uuid

import pytest
import redis

from app import create_app
from core.extensions import limiter
from tests.conftest import PASSWORD, close_app, make_user, test_config

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


STORAGES = ["memory://"]
if _redis_available() or os.environ.get("CI") == "true":
    STORAGES.append(REDIS_URL)


@pytest.fixture(params=STORAGES, ids=lambda uri: uri.split(":")[0])
def limited_app(request, app, tmp_path):
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=request.param,
        RATELIMIT_KEY_PREFIX=f"guildhall-test-{uuid.uuid4().hex}",  # no state from other runs
        SIGNIN_RATE_LIMIT="3 per minute",
        SIGNUP_RATE_LIMIT="2 per hour",
        PASSWORD_RESET_RATE_LIMIT="2 per hour",
        SEARCH_RATE_LIMIT="3 per minute",
    )
    # Flask-Limiter keeps its settings on the one (process-wide) Limiter; put the
    # suite's back afterwards so other tests stay unlimited.
    saved = dict(vars(limiter))
    limited = create_app(config)
    yield limited
    limiter.reset()
    vars(limiter).clear()
    vars(limiter).update(saved)
    close_app(limited)


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


def test_viewing_the_sign_in_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    assert {client.get("/signin").status_code for _ in range(6)} == {200}


def test_sign_up_is_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/signup", data={}).status_code == 400
    assert client.post("/signup", data={}).status_code == 429


def test_password_reset_requests_are_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/password/reset", data={"email": "a@example.com"}).status_code == 302
    assert client.post("/password/reset", data={"email": "a@example.com"}).status_code == 429


def test_search_is_limited_per_address(limited_app):
    make_user("ann@example.com")
    client = limited_app.test_client()
    client.post("/signin", data={"email": "ann@example.com", "password": PASSWORD})
    answers = [client.get("/search?q=agile").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
