"""Row locks that hold on PostgreSQL and on SQLite alike.

PostgreSQL takes `SELECT … FOR UPDATE`. SQLite ignores FOR UPDATE, so there
the transaction that needs the lock starts with `BEGIN IMMEDIATE`, which
takes the database's write lock up front: concurrent writers queue instead of
reading the same stale numbers.
"""

import sqlite3

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core.extensions import db

SQLITE_BUSY_TIMEOUT_SECONDS = 30


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
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Session, "after_flush")
def _note_written(session, _context) -> None:
    session.info["written"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _note_clean(session) -> None:
    # Both fire for a savepoint too, whose end leaves the outer transaction's writes.
    if not session.in_nested_transaction():
        session.info.pop("written", None)


def lock_row(model, row_id: int):
    """Load the row `row_id` of `model`, locked until the transaction ends.

    Call it before changing anything in this transaction: on SQLite it ends
    the request's read-only transaction and starts an immediate one. Several
    rows may be locked one after the other (always in the same order); on
    SQLite the first lock already holds the whole database.
    """
    db.session.flush()
    if db.session.info.get("written"):
        raise RuntimeError("lock_row() must come before any change in the transaction")
    if db.session.get_bind().dialect.name == "sqlite" and not _holds_sqlite_write_lock():
        db.session.commit()  # only reads so far
        db.session.connection(execution_options={"sqlite_immediate": True})
    return db.session.execute(
        select(model)
        .where(model.id == row_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _holds_sqlite_write_lock() -> bool:
    """Did this transaction start with BEGIN IMMEDIATE (an earlier lock_row)?"""
    session = db.session()
    if not session.in_transaction():
        return False
    return session.connection().get_execution_options().get("sqlite_immediate", False)
