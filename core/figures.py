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
again. On PostgreSQL (read committed) every statement reads what was committed before
it. SQLite reads a whole transaction from the snapshot its first read took, possibly
before the commit that set the version just read; so each version carries the time it
was set, and on SQLite a figure is kept only when every version it depends on is older
than the transaction's BEGIN (core/commands.py notes that time, on `clock_ns`: a clock
that is never set back). A version found missing is started as of that BEGIN, since every
commit renews its versions and none touched the scope since, unless the store itself was
emptied meanwhile: `forget_all` and a fresh store start a new epoch, a version of its own
that every figure depends on, and no version is started as of a BEGIN older than the
epoch. (A version evicted alone is the one exception, which the expiry below bounds.)

The store is Flask-Caching's: Redis when REDIS_URL is set (shared by every worker and
host), else nothing (memory in the tests; FIGURES_CACHE_TYPE). The
figures also expire after a while: for changes made behind the ORM's back (a restored
backup clears them at once), and for a renewal lost to a Redis error after a commit.
"""

import pickle
import secrets
import time
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
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


def watch(model: type, kind: str, scope_column: str | None) -> None:
    """Rows of `model` feed the figures of scope (`kind`, row.<scope_column>); with no
    column, the figures of the whole kind (one figure about every community, say)."""
    _WATCHED.setdefault(model, []).append((kind, scope_column))


def _kind_key(kind: str) -> str:
    return f"version:{kind}"


def _scope_key(kind: str, scope_id: int) -> str:
    return f"version:{kind}:{scope_id}"


EPOCH_KEY = "version:epoch"  # replaced when the whole store is emptied


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")
    except OSError:
        return ""  # not Linux: the wall clock instead


BOOT = _boot_id()


def clock_ns() -> int:
    """Now, on a clock every process of this machine shares and nobody sets back: the
    monotonic clock since boot on Linux (a version names its boot), else wall time."""
    return time.monotonic_ns() if BOOT else time.time_ns()


def kept(kind: str, scope_id: int, name: str, compute: Callable[[], T], timeout=None) -> T:
    """The figure `name` of the scope, as kept, or computed now and kept."""
    session = db.session()
    # SQLite: when this transaction began (starting it now if it has not).
    began = session.connection().info.get("began_ns", 0) if _on_sqlite(session) else None
    keys = (EPOCH_KEY, _kind_key(kind), _scope_key(kind, scope_id))
    figure_key = f"figure:{FORMAT}:{kind}:{scope_id}:{name}"
    session.flush()  # what a query would flush first (nothing, if clean), noted below
    if not session.info.get(_CHANGED, set()).isdisjoint(keys):
        return compute()  # this transaction changed the scope: only it sees the new rows
    try:
        *versions, stored = figures_cache.get_many(*keys, figure_key)
        if None in versions:  # new, or evicted: start a version, and count afresh
            # No commit renewed a missing version since it went missing (a renewal sets
            # it), so on SQLite it may say it was set before this transaction began,
            # unless the store was emptied since (a new epoch) or is new (no epoch).
            epoch = versions[0]
            as_of_begin = bool(began) and epoch is not None and _set_before([epoch], began)
            for key, version in zip(keys, versions, strict=True):
                if version is None:
                    since = began - 1 if as_of_begin and key != EPOCH_KEY else None
                    figures_cache.add(key, _new_version(since), timeout=0)
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
    if None not in versions and (began is None or _set_before(versions, began)):
        try:
            timeout = timeout or current_app.config["FIGURES_CACHE_TIMEOUT"]
            figures_cache.set(figure_key, (versions, figure), timeout=timeout)
        except RedisError:
            pass  # counted all the same; the next view counts again
    return figure


def _on_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _new_version(set_at_ns: int | None = None) -> str:
    """A random token that says when it was set: the boot, and `clock_ns` in hex."""
    return f"{BOOT or 'wall'}.{set_at_ns or clock_ns():x}.{secrets.token_hex(6)}"


def _set_before(versions: list[str], began_ns: int) -> bool:
    """Whether every version was set before `began_ns` (this boot's `clock_ns`). A version
    of an earlier boot was; a token in another shape is taken as not."""
    for version in versions:
        parts = version.split(".")
        if len(parts) != 3:
            return False
        boot, set_at, _random = parts
        if boot == (BOOT or "wall") and int(set_at, 16) >= began_ns:
            return False
    return True


def changed(kind: str, scope_ids: Iterable[int] | None = None) -> None:
    """A statement the ORM does not see (a Core INSERT, say) changed rows that feed `kind`:
    the figures of these scopes (or of the whole kind) are counted again after the commit."""
    keys = [_kind_key(kind)] if scope_ids is None else [_scope_key(kind, i) for i in scope_ids]
    _note(db.session(), keys)


def forget_all() -> None:
    """Drop every kept figure (after the database was changed behind the ORM's back), and
    start a new epoch: a transaction begun before it keeps nothing it counts."""
    try:
        figures_cache.clear()
        figures_cache.set(EPOCH_KEY, _new_version(), timeout=0)
    except RedisError:
        current_app.logger.warning("figures cache unavailable; nothing cleared")


def _renew(keys: Iterable[str]) -> None:
    try:
        figures_cache.set_many({key: _new_version() for key in keys}, timeout=0)
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
    scope_id = state.dict.get(column) if column else None
    if scope_id is None or state.attrs[column].history.deleted:
        return _kind_key(kind)
    return _scope_key(kind, scope_id)


def only_scopes(kind: str, scope_ids: Iterable[int]) -> dict:
    """Execution options for a bulk statement that changes only these scopes of `kind`
    (one person's notifications, say): their figures alone are counted again."""
    return {"figures_scopes": {kind: list(scope_ids)}}


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statements(state: ORMExecuteState) -> None:
    if state.is_select or state.bind_mapper is None:
        return
    if watched := _WATCHED.get(state.bind_mapper.class_):
        scopes = state.execution_options.get("figures_scopes", {})
        keys = []
        for kind, _column in watched:
            if kind in scopes:
                keys.extend(_scope_key(kind, scope_id) for scope_id in scopes[kind])
            else:
                keys.append(_kind_key(kind))
        _note(state.session, keys)


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
