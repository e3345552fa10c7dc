"""Signed-in sessions for load tools: by signing in over HTTP, or minted like the site does.

A session is a cookie signed with the site's SECRET_KEY (nothing is kept in a
worker), so the benchmark can mint hundreds of them without hashing a
password for each, and they work on every process that shares the key.
"""

import re

import requests
from flask import Flask, g, session
from flask_wtf.csrf import generate_csrf

from accounts import sessions
from accounts.models import User
from core.extensions import db

# Flask-Login ties a session to the address and browser it was made for; every
# request the benchmark sends says the same.
USER_AGENT = "guildhall-bench"
# A new connection for each request: a sync worker closes each one after answering, and
# a pooled connection reused just as it closes is reset (benoitc/gunicorn#2881).
HEADERS = {"User-Agent": USER_AGENT, "Connection": "close"}


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the form; the Cookie header that keeps the session."""
    browser = requests.Session()
    browser.headers.update(HEADERS)
    page = browser.get(f"{base}/signin", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = browser.post(
        f"{base}/signin",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {answer.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def minted(app: Flask, user_id: int) -> tuple[str, str]:
    """A Cookie header signed in as `user_id` and the CSRF token that goes with it."""
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT}
    with app.test_request_context(base_url=app.config["SITE_URL"], environ_base=environ):
        # A session row like a sign-in makes: a production site accepts no other.
        sessions.sign_in(db.session.get(User, user_id))
        db.session.commit()
        session["_fresh"] = False
        g.pop(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # one per session
        token = generate_csrf()
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", token
