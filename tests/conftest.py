"""Fixtures: the app on each database, a clean database per test, people per role."""

import email
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from typing import NoReturn

import pytest
import redis
from aiosmtpd.controller import Controller
from flask import g, request_started
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from accounts import services as accounts
from accounts.models import User
from app import create_app
from bench.run import free_port  # never a fixed port: runs side by side
from community import services as communities
from community.models import Community, CommunityKind, JoinPolicy
from core.extensions import db
from core.figures import forget_all

PASSWORD = "correct horse battery"
ROLES = ("visitor", "employee", "member", "leader", "smm", "admin")


def _database_params() -> list:
    params = ["sqlite"]
    if os.environ.get("GUILDHALL_TEST_DATABASE_URL"):
        params.append("postgresql")
    return params


def test_config(database_url: str, tmp_path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,  # tests/test_csrf.py turns it back on
        "ALLOWED_EMAIL_DOMAINS": ["example.com"],
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),  # covers and brief files
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "RATELIMIT_ENABLED": False,
        "SITE_URL": "http://localhost",  # where the test client's requests go
    }


test_config.__test__ = False  # a helper, not a test, where test modules import it


def xdist_worker() -> str | None:
    """This process's pytest-xdist worker ("gw0", "gw1", …), or None when the suite runs alone."""
    return os.environ.get("PYTEST_XDIST_WORKER")


@contextmanager
def _postgresql_database(base_url: str, name: str) -> Iterator[str]:
    """A new, empty database `name` on the server of `base_url`; dropped afterwards."""
    url = make_url(base_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # a killed run's
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=_database_params())
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """The test database: a SQLite file of this process's, or PostgreSQL.

    Under pytest-xdist (`-n 2`) each worker has its own: the SQLite file is under the
    worker's own temporary folder, and on PostgreSQL the worker makes and drops
    `<GUILDHALL_TEST_DATABASE_URL's database>_<worker>` on the same server.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'guildhall-test.sqlite'}"
        return
    base_url, worker = os.environ["GUILDHALL_TEST_DATABASE_URL"], xdist_worker()
    if worker is None:
        yield base_url
        return
    with _postgresql_database(base_url, f"{make_url(base_url).database}_{worker}") as url:
        yield url


def _fresh_request_globals(sender, **extra) -> None:
    # Tests hold an app context open, and Flask reuses it for the requests they
    # make; clear `g` (signed-in user, caches) so each request starts clean, as
    # it does when served.
    for name in list(g):
        g.pop(name)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(test_config(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = FlaskLoginClient
    request_started.connect(_fresh_request_globals, app)
    with app.app_context():
        db.drop_all()
        db.create_all()
        # Every test but a worker's first starts after empty_all_tables' forget_all: so
        # does the first, or its kept figures would behave otherwise (a store with no
        # epoch keeps nothing counted in a transaction begun before it started one).
        forget_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def missing_tool(reason: str) -> NoReturn:
    """Skip a test whose tool (a browser, wrk, Redis) is not here; under CI, fail it instead,
    since CI installs every tool and a test that never runs proves nothing."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true: CI must have it")
    pytest.skip(reason)


def redis_is_up(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def close_app(app) -> None:
    """Close an extra app's database connections (each app has its own engine)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Ids start again at 1 in each test. On PostgreSQL, DELETE and restarting the sequences
# takes a third of the time TRUNCATE does on tables this small (TRUNCATE makes new files).
RESTART_SEQUENCES = """DO $$ DECLARE s record; BEGIN
  FOR s IN SELECT schemaname, sequencename FROM pg_sequences WHERE schemaname = current_schema()
  LOOP EXECUTE format('ALTER SEQUENCE %I.%I RESTART', s.schemaname, s.sequencename); END LOOP;
END $$"""


def empty_all_tables() -> None:
    deletes = [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(";\n".join([*deletes, RESTART_SEQUENCES])))  # one round trip
    else:
        for statement in deletes:
            db.session.execute(text(statement))
    db.session.commit()
    forget_all()  # the rows went behind the ORM's back; so must the figures counted from them


@pytest.fixture(autouse=True)
def _clean_database(request) -> Iterator[None]:
    """Each test that uses the app runs in its context and leaves the database empty."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email: str, name: str | None = None, **roles) -> User:
    user = accounts.create_user(
        email, name or email.split("@")[0].title(), PASSWORD, email_confirmed=True, **roles
    )
    db.session.commit()
    return user


def make_community(leader: User, name: str = "Project Managers", **options) -> Community:
    options.setdefault("kind", CommunityKind.PRACTICE)
    community = communities.create_community(leader, name=name, leader=leader, **options)
    db.session.commit()
    return community


@dataclass
class World:
    """People in every role around one open community, built through the services."""

    users: dict[str, User | None]
    community: Community
    approval_community: Community
    objects: dict = field(default_factory=dict)

    def client_for(self, app, role: str):
        return app.test_client(user=self.users[role])


def build_world() -> World:
    leader = make_user("leader@example.com", "Lena Leader")
    member = make_user("member@example.com", "Max Member")
    users = {
        "visitor": None,
        "employee": make_user("employee@example.com", "Emma Employee"),
        "member": member,
        "leader": leader,
        "smm": make_user("smm@example.com", "Sam Smm", is_smm=True),
        "admin": make_user("admin@example.com", "Ada Admin", is_admin=True),
    }
    community = make_community(leader, description="We *lead* projects.")
    communities.join_community(member, community)
    approval = make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)
    db.session.commit()
    return World(users=users, community=community, approval_community=approval)


@pytest.fixture
def world(app) -> World:
    return build_world()


@pytest.fixture
def login(app):
    """A test client signed in as the given user (or signed out for None)."""

    def client_for(user: User | None):
        return app.test_client(user=user) if user is not None else app.test_client()

    return client_for


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside the `with` block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


class Inbox:
    """An SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    port = free_port()  # aiosmtpd needs one before it starts
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield handler
    controller.stop()


@pytest.fixture
def same_minute(monkeypatch):
    """Home's liveliness is kept per minute (home/news.py), so a statement count whose two
    requests straddle a minute's turn counts it once more: hold home's clock still."""
    import home.news

    now = home.news.utcnow()
    monkeypatch.setattr(home.news, "utcnow", lambda: now)
