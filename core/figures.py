"""Figures counted from many rows (a community's growth, a catalog's totals), kept across
requests and processes, and dropped when what they count changes.

A figure belongs to a scope: a kind and an id ("community", 12). Each scope, and each
kind as a whole, has a version: a random token, replaced after every commit that
changed a row of the scope. The features say which models feed which scope (`watch`);
the changed rows are found in the session when it flushes, and a bulk INSERT, UPDATE or
DELETE of a watched model replaces the version of its whole kind. A kept figure is used
only while both versions are the ones it was computed under.

The versions are read before the figure is computed, so a figure counted from rows that
a concurrent commit has since changed is kept under the old versions and never used
again; this needs PostgreSQL's read committed, so on SQLite (one machine, development)
nothing is kept. The store is Flask-Caching's: Redis when REDIS_URL is set (shared by
every worker and host), else nothing (memory in the tests; FIGURES_CACHE_TYPE). The
figures also expire after a while: for changes made behind the ORM's back (a restored
backup clears them at once), and for a renewal lost to a Redis error after a commit.
"""

import pickle
import secrets
from collections.abc import Callable, Iterable
from itertools import chain
from typing import TypeVar

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from core.extensions import db, figures_cache

T = TypeVar("T")
# Part of every figure's key: raise it when the class of a kept figure changes, so that
# a deploy never reads figures pickled by the code before it.
FORMAT = 1
_CHANGED = "figures_changed"  # session.info: the version keys to replace after commit


_WATCHED: dict[type, list[tuple[str, str]]] = {}


def watch(model: type, kind: str, scope_column: str) -> None:
    """Rows of `model` feed the figures of scope (`kind`, row.<scope_column>)."""
    _WATCHED.setdefault(model, []).append((kind, scope_column))


def _kind_key(kind: str) -> str:
    return f"version:{kind}"


def _scope_key(kind: str, scope_id: int) -> str:
    return f"version:{kind}:{scope_id}"


def kept(kind: str, scope_id: int, name: str, compute: Callable[[], T], timeout=None) -> T:
    """The figure `name` of the scope, as kept, or computed now and kept."""
    session = db.session()
    if session.get_bind().dialect.name == "sqlite":
        # SQLite reads a transaction's rows from the snapshot its first SELECT took, so a
        # count made after reading newer versions could still see older rows. PostgreSQL
        # (read committed) counts from a snapshot taken after the versions were read.
        return compute()
    keys = (_kind_key(kind), _scope_key(kind, scope_id))
    figure_key = f"figure:{FORMAT}:{kind}:{scope_id}:{name}"
    session.flush()  # what a query would flush first (nothing, if clean), noted below
    if not session.info.get(_CHANGED, set()).isdisjoint(keys):
        return compute()  # this transaction changed the scope: only it sees the new rows
    try:
        *versions, stored = figures_cache.get_many(*keys, figure_key)
        if None in versions:  # new, or evicted: start a version, and count afresh
            for key, version in zip(keys, versions, strict=True):
                if version is None:
                    figures_cache.add(key, secrets.token_hex(8), timeout=0)
            *versions, stored = figures_cache.get_many(*keys, figure_key)
            stored = None
    except RedisError:
        current_app.logger.warning("figures cache unavailable; counting %s afresh", figure_key)
        return compute()
    except (pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        # Kept by code whose classes have changed since (FORMAT not raised): drop it.
        figures_cache.delete(figure_key)
        return compute()
    if stored is not None and stored[0] == versions:
        return stored[1]
    figure = compute()
    if None not in versions:
        try:
            timeout = timeout or current_app.config["FIGURES_CACHE_TIMEOUT"]
            figures_cache.set(figure_key, (versions, figure), timeout=timeout)
        except RedisError:
            pass  # counted all the same; the next view counts again
    return figure


def forget_all() -> None:
    """Drop every kept figure (after the database was changed behind the ORM's back)."""
    try:
        figures_cache.clear()
    except RedisError:
        current_app.logger.warning("figures cache unavailable; nothing cleared")


def _renew(keys: Iterable[str]) -> None:
    try:
        figures_cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=0)
    except RedisError:
        current_app.logger.warning("figures cache unavailable; kept figures age out instead")


def _note(session: Session, keys: Iterable[str]) -> None:
    session.info.setdefault(_CHANGED, set()).update(keys)


@event.listens_for(Session, "after_flush")
def _note_changed_rows(session: Session, _flush_context) -> None:
    keys = []
    for row in chain(session.new, session.dirty, session.deleted):
        for kind, column in _WATCHED.get(type(row), ()):
            keys.append(_changed_scope(inspect(row), kind, column))
    if keys:
        _note(session, keys)


def _changed_scope(state, kind: str, column: str) -> str:
    # Read from the row's loaded state, never from the database (a deleted row is gone);
    # a scope not loaded, or moved from one to another, stands for its whole kind.
    scope_id = state.dict.get(column)
    if scope_id is None or state.attrs[column].history.deleted:
        return _kind_key(kind)
    return _scope_key(kind, scope_id)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statements(state: ORMExecuteState) -> None:
    if state.is_select or state.bind_mapper is None:
        return
    if watched := _WATCHED.get(state.bind_mapper.class_):
        _note(state.session, [_kind_key(kind) for kind, _column in watched])


# Both events fire for a savepoint too; only the outermost transaction's end counts:
# a version renewed before the rows are visible would let a figure counted from the
# old rows be kept under the new version.
@event.listens_for(Session, "after_commit")
def _renew_versions(session: Session) -> None:
    if not session.in_nested_transaction() and (changed := session.info.pop(_CHANGED, None)):
        _renew(changed)


@event.listens_for(Session, "after_rollback")
def _drop_notes(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_CHANGED, None)
