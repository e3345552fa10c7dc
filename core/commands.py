"""The command boundary: the one way a state change runs.

A command is one transaction. The view (or CLI command) loads and checks what
it needs, then hands the work to `run` (or `transaction`):

    outcome = commands.run(lambda: services.cancel_event(current_user, event.id),
                           done=_("The event is cancelled."))

The service takes the row locks it needs first (`lock_row`), changes the
session and flushes; the boundary commits once, or rolls back on a
`DomainError` and shows its message beside the form field the error names
(`DomainError.field`), or else as one "danger" message at the top of the page.

PostgreSQL and SQLite differ only here. PostgreSQL locks rows with
`SELECT … FOR UPDATE`. SQLite ignores FOR UPDATE, so a command's transaction
starts with `BEGIN IMMEDIATE`, which takes the database's write lock up front:
concurrent writers queue instead of reading the same stale numbers, and nothing
is committed (or expired) before a lock. A request that changes state (any
method but GET, HEAD and OPTIONS, or a GET view marked `@writes_on_get`) is a
command from its first statement.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import click
from flask import current_app, flash, has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core import figures
from core.errors import DomainError
from core.extensions import db

SQLITE_BUSY_TIMEOUT_SECONDS = 30
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_in_command: ContextVar[bool] = ContextVar("in_command", default=False)


# --- running a command ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a command gave back: `ok` when it was committed, with the service's `value`."""

    ok: bool
    value: Any = None
    error: DomainError | None = None


@contextmanager
def transaction() -> Iterator[None]:
    """One command's transaction: commit at the end, roll back on any error.

    A DomainError is re-raised after the rollback, for the caller to show; `run`
    shows it for views and `cli_transaction` for CLI commands. Inside another command
    it joins that one: the outer command commits or rolls back everything.
    """
    if _in_command.get():
        yield
        return
    token = _in_command.set(True)
    try:
        _start_writing()
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _in_command.reset(token)


Done = str | tuple[str, str] | None


def run(
    action: Callable[[], Any], *, done: Done | Callable[[Any], Done] = None, form=None
) -> Outcome:
    """Run `action` as a command from a view; flash `done` when it was committed.

    `done` is a message (shown as a success) or a (message, category) pair, or a
    function of the action's value giving one (chosen before the commit, while
    everything is loaded). A domain error goes beside `form`'s field named by
    `error.field` when there is one, else into one "danger" message.
    """
    try:
        with transaction():
            value = action()
            message = done(value) if callable(done) else done
    except DomainError as error:
        show_refusal(error, form)
        return Outcome(ok=False, error=error)
    if message:
        flash(*((message, "success") if isinstance(message, str) else message))
    return Outcome(ok=True, value=value)


def ask(action: Callable[[], Any], form=None) -> Outcome:
    """Run a step that writes nothing (asking another service over the network) outside
    any transaction, showing a refusal as `run` would."""
    try:
        return Outcome(ok=True, value=action())
    except DomainError as error:
        show_refusal(error, form)
        return Outcome(ok=False, error=error)


def show_refusal(error: DomainError, form=None) -> None:
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


@contextmanager
def cli_transaction(prefix: str = "") -> Iterator[None]:
    """A CLI command's transaction; a domain error becomes the command's error message."""
    try:
        with transaction():
            yield
    except DomainError as error:
        raise click.ClickException(f"{prefix}{error.message}") from None


def writes_on_get(view):
    """Mark a GET view that must change state (a tracked link counting its visit)."""
    view.writes_on_get = True
    return view


# --- locks ------------------------------------------------------------------------------


def lock_row(model, row_id: int, *, key_share: bool = False):
    """Load the row `row_id` of `model`, locked until the transaction ends.

    Call it before changing anything in the transaction. Several rows may be locked
    one after the other (always in the same order); on SQLite the command's
    transaction already holds the whole database. `key_share` locks the row only
    against others taking the same lock or changing it (PostgreSQL's FOR NO KEY
    UPDATE): rows that name it (a notification to a person) may still be added.
    """
    _start_writing()
    return db.session.execute(
        select(model)
        .where(model.id == row_id)
        .with_for_update(key_share=key_share)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _start_writing() -> None:
    """Refuse to go on after changes; on SQLite, make sure this transaction holds the
    write lock before it reads on.

    Inside a command the transaction began with BEGIN IMMEDIATE. Outside one (a test
    or a script calling a service directly) a read-only transaction is ended first:
    it changed nothing, and a reader cannot take the write lock later in WAL mode.
    """
    session = db.session()
    session.flush()
    if session.info.get("written"):
        # On SQLite the commit below would make them permanent, unasked; on PostgreSQL a
        # lock taken after them would not have protected what they read.
        raise RuntimeError("lock_row() must come before any change in the transaction")
    if session.get_bind().dialect.name != "sqlite" or _holds_sqlite_write_lock():
        return
    if db.session().in_transaction():
        db.session.commit()  # reads only: `written` was checked by the caller
    db.session.connection(execution_options={"sqlite_immediate": True})


def _holds_sqlite_write_lock() -> bool:
    session = db.session()
    return session.in_transaction() and session.connection().info.get("immediate", False)


def request_may_write() -> bool:
    """Whether this request runs commands that change what pages show: any method but the
    reading ones, or a GET view marked `@writes_on_get`. A reading request changes only
    bookkeeping (a session's last seen), so facts read at its start hold to its end."""
    if request.method not in READING_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "writes_on_get", False)


def _wants_write_lock() -> bool:
    if _in_command.get():
        return True
    if not has_request_context():
        return False
    return request_may_write()


# --- SQLite's transactions --------------------------------------------------------------


@event.listens_for(Engine, "connect")
def _take_over_sqlite_transactions(dbapi_connection, _record) -> None:
    # pysqlite's own BEGIN handling is off, so that "begin" below decides how a
    # transaction starts (and SAVEPOINTs work as documented).
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        # Readers never block the writer (and the other way round) in WAL mode.
        dbapi_connection.execute("PRAGMA journal_mode = WAL")


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(conn) -> None:
    if conn.dialect.name == "sqlite":
        immediate = conn.get_execution_options().get("sqlite_immediate") or _wants_write_lock()
        conn.info["immediate"] = False  # until the BEGIN below has succeeded
        # Before the BEGIN, so before the snapshot its first read takes (core/figures.py).
        conn.info["began_ns"] = figures.clock_ns()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        conn.info["immediate"] = bool(immediate)


@event.listens_for(Session, "after_flush")
def _note_written(session, _context) -> None:
    session.info["written"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_written(state) -> None:
    # An insert, update or delete statement run directly writes without a flush.
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["written"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _note_clean(session) -> None:
    # Both fire for a savepoint too, whose end leaves the outer transaction's writes.
    if not session.in_nested_transaction():
        session.info.pop("written", None)
