"""Signed-in sessions that end: one row per browser, found by a hashed random token.

The sign-in views put the token in Flask's session as Flask-Login's user id, so the
remember-me cookie Flask-Login writes from it carries the same token. Each request
finds the live row with one indexed query; sign-out revokes it, so a copied session
or remember-me cookie is worthless afterwards. A remember-me cookie that brings a
person back gets a new token, and the old one stops working.

A session Flask-Login makes by itself (its test client) carries the account's
alternative id, `User.get_id()`, instead: it has no row and ends when the account's
session generation is raised. Only a testing app accepts one: anyone holding
SECRET_KEY could forge it, so a production session is always a row.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from flask import Flask, current_app, g, session
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from sqlalchemy import ColumnElement, bindparam, delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from accounts import mail
from accounts.models import SignInSession, User
from core import audit
from core.commands import request_may_write
from core.extensions import db, login_manager
from core.models import utcnow

# Last seen is written at most this often, so a request costs one read.
TOUCH_EVERY = timedelta(minutes=5)
# A replaced remember-me token that comes back later than this ends its session.
REUSE_GRACE = timedelta(minutes=1)


def init_sessions(app: Flask) -> None:
    login_manager.user_loader(load_user)
    user_loaded_from_cookie.connect(_rotate_remember_token, app)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    if not remember:
        return current_app.permanent_session_lifetime  # SESSION_IDLE_HOURS
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


# What a browser keeps of its session from before signing in: nothing else (a CSRF token,
# a half-done flow) carries over into the signed-in session.
KEPT_AT_SIGN_IN = ("locale",)


def sign_in(user: User, remember: bool = False) -> None:
    """Sign `user` in on this browser, in a session of its own (the caller commits)."""
    if not user.is_active:
        return  # a deactivated account
    kept = {key: session[key] for key in KEPT_AT_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    login_user(user, remember=remember)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # Ended sessions are of no more use: each sign-in clears the person's away.
    db.session.execute(
        delete(SignInSession).where(
            SignInSession.user_id == user.id,
            or_(SignInSession.revoked_at.is_not(None), SignInSession.expires_at <= now),
        )
    )
    db.session.add(
        SignInSession(
            user=user,
            token_hash=_hash(token),
            remember=remember,
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(remember) if remember else _idle_expiry(now, now),
        )
    )
    session["_user_id"] = token


# Facts about the signed-in person that every page's header asks ("do they lead a
# community?"), read in the statement that loads the person rather than in one of their
# own: by name, a function of the person's id column that gives the SQL expression.
_SESSION_FACTS: dict[str, Callable[[ColumnElement], ColumnElement]] = {}


def add_session_fact(name: str, expression: Callable[[ColumnElement], ColumnElement]) -> None:
    _SESSION_FACTS[name] = expression
    _session_statement.cache_clear()
    _person_statement.cache_clear()


def _fact_columns(user_id: ColumnElement) -> list:
    return [expression(user_id).label(name) for name, expression in _SESSION_FACTS.items()]


# Every signed-in request runs one of these two: each is built once, with its values as
# parameters, so SQLAlchemy finds it compiled without working out its cache key again.
@cache
def _session_statement():
    return select(SignInSession, *_fact_columns(SignInSession.user_id)).where(
        SignInSession.token_hash == bindparam("token_hash"),
        SignInSession.revoked_at.is_(None),
        SignInSession.expires_at > bindparam("now"),
    )


@cache
def _person_statement():
    return select(User, *_fact_columns(User.id)).where(User.id == bindparam("user_id"))


def _keep_facts(user_id: int, found) -> None:
    # Named from the row: a fact added after its statement was built is simply not there.
    g.session_facts = (user_id, dict(zip(found._fields[1:], found[1:], strict=True)))


def session_fact(user, name: str):
    """The fact as read when this request loaded `user`, or None: for someone else, or in
    a request that may change it (a POST), which asks the database again."""
    facts = g.get("session_facts")
    if facts is None or request_may_write() or facts[0] != user.id:
        return None
    return facts[1].get(name)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the person of a live session, or None."""
    if ":" in user_id:
        return _user_for_alternative_id(user_id)
    found = db.session.execute(
        _session_statement(), {"token_hash": _hash(user_id), "now": utcnow()}
    ).one_or_none()
    if found is None:
        _end_if_reused(_hash(user_id))
        return None
    row = found[0]
    if not row.user.is_active:
        return None
    g.sign_in_session = row
    _keep_facts(row.user_id, found)
    if row.last_seen_at < utcnow() - TOUCH_EVERY:
        _commit_if_clean(lambda: _touch(row))
    return row.user


# "<account id>:<session generation>", ASCII digits without leading zeros (as get_id writes).
_ALTERNATIVE_ID = re.compile(r"([1-9][0-9]{0,17}):(0|[1-9][0-9]{0,17})", re.ASCII)


def _user_for_alternative_id(alternative_id: str) -> User | None:
    if not current_app.testing:
        return None  # no row, no session: see the module's docstring
    match = _ALTERNATIVE_ID.fullmatch(alternative_id)
    found = None
    if match:
        found = db.session.execute(_person_statement(), {"user_id": int(match[1])}).one_or_none()
    if found is None:
        return None
    user = found[0]
    if not user.is_active or str(user.session_generation) != match[2]:
        return None
    _keep_facts(user.id, found)
    return user


def _end_if_reused(token_hash: str) -> None:
    """A remember-me token already replaced came back: two browsers hold the cookie, one
    of them a copy. Which one is unknown, so the session ends and its owner hears of it.
    The same browser's requests racing its renewal get a moment's grace."""
    row = db.session.execute(
        select(SignInSession).where(
            SignInSession.previous_token_hash == token_hash, SignInSession.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    if row is None or row.rotated_at > utcnow() - REUSE_GRACE:
        return

    def end() -> None:
        row.revoked_at = utcnow()
        audit.record(None, "account.remember_token_reused", row.user)
        mail.email_user(row.user, "account", "session_ended",
                        link=mail.external_url("accounts.profile"))  # fmt: skip

    _commit_if_clean(end)


def _touch(row: SignInSession) -> None:
    row.last_seen_at = utcnow()
    if not row.remember:  # idle sessions end; a remember-me one lasts from its last token
        row.expires_at = _idle_expiry(row.created_at, row.last_seen_at)


def _idle_expiry(created_at, last_seen_at):
    """A session without "Remember me" ends when idle, and SESSION_MAX_DAYS after it began."""
    most = created_at + timedelta(days=current_app.config["SESSION_MAX_DAYS"])
    return min(last_seen_at + _lifetime(False), most)


def _commit_if_clean(change) -> bool:
    """Make `change` and commit it at once, even in a GET, unless the request has changes
    of its own in flight (they are not ours to commit): then another request will.

    Not a command (core/commands.py) on purpose: this is bookkeeping that rides along on
    any request while Flask-Login loads the person, and it gives way instead of waiting.
    A command would wait for SQLite's write lock and fail the page when it could not
    write; a missed touch or rotation costs nothing and the next request tries again.
    """
    if db.session.new or db.session.dirty or db.session.deleted or db.session.info.get("written"):
        return False
    try:
        if change() is False:
            db.session.rollback()
            return False
        db.session.commit()
    except SQLAlchemyError:  # e.g. SQLite refusing a write after another one: try later
        db.session.rollback()
        return False
    return True


def _rotate_remember_token(app: Flask, user: User) -> None:
    """A remember-me cookie brought the person back: give it a new token, end the old."""
    row = g.get("sign_in_session")
    if row is None or not user.is_active:
        return
    old_hash, token = row.token_hash, secrets.token_urlsafe(32)

    def rotate() -> bool:
        now = utcnow()
        changed = db.session.execute(
            update(SignInSession)
            .where(SignInSession.id == row.id, SignInSession.token_hash == old_hash)
            .values(
                token_hash=_hash(token),
                previous_token_hash=old_hash,
                rotated_at=now,
                last_seen_at=now,
                expires_at=now + _lifetime(True),
            )
        )
        return changed.rowcount == 1  # another request rotated it first

    if _commit_if_clean(rotate):
        session["_user_id"] = token
        session["_remember"] = "set"  # Flask-Login writes the new cookie


def current_session() -> SignInSession | None:
    """This browser's session row (None for a session Flask-Login made by itself)."""
    if not current_user.is_authenticated:
        return None
    return g.get("sign_in_session")


def sign_out() -> None:
    """End this browser's session for good (the caller commits)."""
    row = current_session()
    if row is not None:
        row.revoked_at = utcnow()
    elif current_user.is_authenticated:
        # No row of its own: ending it ends every session with the same alternative id.
        current_user.session_generation += 1
    logout_user()


def end_other_sessions(user: User) -> None:
    """After a new password: every browser signed in as `user` but this one is signed
    out, remember-me cookies included (the caller commits)."""
    this_browser = current_user.is_authenticated and current_user.id == user.id
    keep = current_session() if this_browser else None
    end_sessions(user, keep)
    if this_browser and keep is None:
        session["_user_id"] = user.get_id()  # this browser carries the alternative id


def sign_out_everywhere(user: User) -> None:
    """End every session of `user`, this browser's too (the caller commits)."""
    end_sessions(user)
    logout_user()


def end_sessions(user: User, keep: SignInSession | None = None) -> None:
    """End every session of `user` but `keep`, wherever it is made (an admin deactivating
    the account too); the caller commits."""
    query = update(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(SignInSession.id != keep.id)
    db.session.execute(query.values(revoked_at=utcnow()))
    user.session_generation += 1  # and every session carrying the alternative id


def live_sessions(user: User) -> list[SignInSession]:
    """The person's browsers that are signed in now, the latest first."""
    return list(
        db.session.execute(
            select(SignInSession)
            .where(
                SignInSession.user_id == user.id,
                SignInSession.revoked_at.is_(None),
                SignInSession.expires_at > utcnow(),
            )
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        ).scalars()
    )
