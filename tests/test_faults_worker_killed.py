"""A worker killed mid-request loses nothing that was committed.

The app runs under gunicorn (two sync workers, the app preloaded so that they come
back at once) on the test database, file SQLite or PostgreSQL. Clients sign up
(scrypt makes that slow, so requests are naturally in flight), confirm the address
with the link e-mailed to them, and register for events; meanwhile every worker is
killed with SIGKILL, several times, each time while a request is being answered.
Afterwards: every request that got its success answer is in the database, and no
transaction is half there (an account without its confirmation e-mail, a confirmed
one without its welcome, a registration without its confirmation and calendar file).
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from accounts.models import User
from core.extensions import db
from core.mail import OutgoingEmail
from events.models import Registration
from tests.conftest import free_port, make_community, make_user
from tests.test_events_factories import make_event
from tests.test_faults import report_survived

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
THREADS = 6
ACCOUNTS_PER_THREAD = 8
KILL_ROUNDS = 4
PASSWORD = "a long enough password"
TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
CONFIRMATION_LINK = re.compile(r"https?://[^/\s]+(/signup/confirm/\S+)")


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Server:
    """gunicorn serving the app on the test database."""

    def __init__(self, database_url: str, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "a-long-secret-for-the-worker-test",
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "UPLOAD_DIR": str(folder / "uploads"),
            "SIGNUP_RATE_LIMIT": "10000 per hour",
            "SIGNIN_RATE_LIMIT": "10000 per hour",
            "RATELIMIT_STORAGE_URI": "memory://",
            "SESSION_COOKIE_SECURE": "false",  # served over plain HTTP here
            "SITE_URL": self.url,  # the site answers only at its own address
        }
        self.mailbox = create_engine(database_url)  # where clients read their e-mail
        self.log = (folder / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--preload", "--workers", "2", "--worker-class", "sync",
             "--timeout", "120", "--graceful-timeout", "5",
             "--bind", f"127.0.0.1:{self.port}", "app:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/", timeout=30).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text()[-2000:])

    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def wait_for_workers(self, count: int = 2) -> None:
        deadline = time.monotonic() + 60
        while len(self.workers()) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.mailbox.dispose()

    def confirmation_path(self, email: str) -> str:
        with self.mailbox.connect() as conn:
            body = conn.execute(
                text("SELECT text_body FROM outgoing_emails WHERE to_address = :to"), {"to": email}
            ).scalar_one()
        return CONFIRMATION_LINK.search(body).group(1)


class Client(threading.Thread):
    """One person after another signs up, confirms the address, and registers for every event."""

    def __init__(self, number: int, server: Server, event_ids: list[int], stop: threading.Event):
        super().__init__(daemon=True)
        self.number, self.server, self.event_ids, self.stop = number, server, event_ids, stop
        self.signed_up: list[str] = []  # e-mail addresses answered with success
        self.registered: list[tuple[str, int]] = []
        self.interrupted = 0
        self.in_flight_since: float | None = None

    def post(self, session, path: str, data: dict):
        self.in_flight_since = time.monotonic()
        try:
            return session.post(self.server.url + path, data=data, allow_redirects=False,
                                timeout=60)  # fmt: skip
        except requests.RequestException:  # cut off (or left unanswered) by the kill
            self.interrupted += 1
            return None
        finally:
            self.in_flight_since = None

    def run(self) -> None:
        for account in range(ACCOUNTS_PER_THREAD):
            if self.stop.is_set():
                return
            email = f"killed-{self.number}-{account}@example.com"
            session = requests.Session()
            try:
                token = TOKEN.search(session.get(self.server.url + "/signup", timeout=60).text)[1]
            except requests.RequestException:
                self.interrupted += 1
                continue
            data = {"display_name": f"Person {self.number}-{account}", "email": email,
                    "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}  # fmt: skip
            response = self.post(session, "/signup", data)
            if response is None or response.status_code != 302:
                continue
            self.signed_up.append(email)
            response = self.post(
                session, self.server.confirmation_path(email), {"csrf_token": token}
            )
            if response is None or response.headers.get("Location") != "/":
                continue  # not confirmed (cut off): no registering without being signed in
            try:  # signing in starts a fresh session, with a CSRF token of its own
                token = TOKEN.search(session.get(self.server.url + "/me", timeout=60).text)[1]
            except requests.RequestException:
                self.interrupted += 1
                continue
            for event_id in self.event_ids:
                response = self.post(session, f"/events/{event_id}/register", {"csrf_token": token})
                if response is not None and response.status_code == 302:
                    self.registered.append((email, event_id))


def kill_workers_mid_request(server: Server, clients: list[Client]) -> int:
    """SIGKILL every worker once a request has been on its way for a moment."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = time.monotonic()
        if any(c.in_flight_since and now - c.in_flight_since > 0.03 for c in clients):
            break
        time.sleep(0.005)
    workers = server.workers()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return len(workers)


def count(query) -> int:
    return db.session.execute(query).scalar_one()


@pytest.fixture
def hashing_as_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")


def test_a_killed_worker_loses_no_committed_request(
    app, tmp_path, hashing_as_in_production, capsys
):
    leader = make_user("leader@example.com")
    community = make_community(leader)
    events = [make_event(leader, community, title=f"Meetup {n}", capacity=500) for n in range(3)]
    event_titles = {event.id: event.title for event in events}
    db.session.rollback()  # no transaction of ours may hold SQLite's lock while gunicorn writes

    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    stop = threading.Event()
    clients = [Client(n, server, list(event_titles), stop) for n in range(THREADS)]
    killed = 0
    try:
        for client in clients:
            client.start()
        for _ in range(KILL_ROUNDS):
            time.sleep(0.5)
            killed += kill_workers_mid_request(server, clients)
            server.wait_for_workers()
        stop.set()
        for client in clients:
            client.join(timeout=300)
    finally:
        stop.set()
        server.stop()

    interrupted = sum(client.interrupted for client in clients)
    signed_up = [email for client in clients for email in client.signed_up]
    registered = [pair for client in clients for pair in client.registered]
    assert killed >= KILL_ROUNDS and interrupted >= 1, "no request was in flight at a kill"
    assert signed_up and registered

    db.session.rollback()  # read what the server committed, not an older snapshot
    people = {
        user.email: user
        for user in db.session.scalars(select(User).where(User.email.startswith("killed-")))
    }
    assert set(signed_up) <= set(people), "an account answered with success is missing"
    for email, event_id in registered:
        assert count(
            select(func.count()).select_from(Registration)
            .where(Registration.user_id == people[email].id, Registration.event_id == event_id)
        ) == 1, (email, event_id)  # fmt: skip
    # No half-written transaction: each account has its confirmation e-mail, each
    # confirmed one its welcome, each registration its confirmation with the calendar
    # file, and nothing more.
    for email, user in people.items():
        mails = db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.to_address == email))
        registrations = db.session.scalars(
            select(Registration).where(Registration.user_id == user.id)
        ).all()
        expected = [f"You are registered: {event_titles[r.event_id]}" for r in registrations]
        expected.append("Confirm your Guildhall address")
        if user.email_confirmed:
            expected.append(f"Welcome to Guildhall, {user.display_name}")
        assert sorted(mail.subject for mail in mails) == sorted(expected), email
    confirmations = db.session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.subject.startswith("You are registered"))
    ).all()
    assert all(len(mail.attachments) == 1 for mail in confirmations)
    with capsys.disabled():
        print(
            f"\nworker kills: {killed} workers killed in {KILL_ROUNDS} rounds, {interrupted} "
            f"requests cut off, {len(signed_up)} sign-ups and {len(registered)} registrations "
            "answered, all in the database, none half-written"
        )
    report_survived(capsys, "worker killed mid-request", injections=killed)
