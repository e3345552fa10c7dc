"""The permission matrix's world: built through the services once, then restored for each case.

Building the world (every feature's objects, made the way people make them) takes about
half a second, and the matrix asks for it about six thousand times a run. Each case
still starts from the whole world, as if just built: its rows go back into the emptied
tables as they were, ids and sequences included, and the uploaded files and the search
index beside them. A snapshot is taken again after a few minutes or when the day
changes, so that what "now" and "today" mean to the world stays close to what they mean
to the case. GUILDHALL_MATRIX_FRESH_WORLD=1 builds the world for every case, as before.

tests/test_matrix_world.py proves that a restored world is the built one.
"""

import atexit
import itertools
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, insert, null, select, text, update
from sqlalchemy.orm.base import instance_state

from core.extensions import db
from core.figures import forget_all
from search.index import CURRENT, search_index

MAX_AGE_SECONDS = 300
# This process's snapshots' files, gone with it.
_FOLDER = Path(tempfile.mkdtemp(prefix="matrix-world-"))
atexit.register(shutil.rmtree, _FOLDER, True)
_numbers = itertools.count()


@dataclass(frozen=True)
class _Ref:
    """An ORM object of the world, by class and primary key (objects belong to sessions)."""

    model: type
    identity: tuple


@dataclass
class Snapshot:
    taken_at: float
    day: date
    world: object  # the World, its ORM objects as _Refs
    rows: dict[str, list[dict]]
    sequences: dict[str, int]  # PostgreSQL's sequences that were used, by name
    sql_nulls: dict[tuple[str, str], list]  # (table, JSON column) → ids of rows with NULL
    files: Path  # uploads/ and search/ (the index's current generation, if there was one)


_snapshots: dict[str, Snapshot] = {}


def matrix_world(build):
    """A world as `build()` makes it, restored from this database's snapshot when fresh."""
    if os.environ.get("GUILDHALL_MATRIX_FRESH_WORLD") == "1":
        return build()
    key = db.engine.url.render_as_string(hide_password=False)
    snapshot = _snapshots.get(key)
    if snapshot is None or not _fresh(snapshot):
        world = build()
        _snapshots[key] = take_snapshot(world)
        if snapshot is not None:
            shutil.rmtree(snapshot.files, ignore_errors=True)
        return world
    return restore(snapshot)


def _fresh(snapshot: Snapshot) -> bool:
    return (
        time.monotonic() - snapshot.taken_at < MAX_AGE_SECONDS
        and datetime.now(UTC).date() == snapshot.day
    )


def take_snapshot(world) -> Snapshot:
    db.session.commit()
    files = _FOLDER / str(next(_numbers))
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    if upload_dir.exists():
        shutil.copytree(upload_dir, files / "uploads")
    if (generation := search_index().current_generation()) is not None:
        shutil.copytree(generation, files / "search")
    return Snapshot(
        taken_at=time.monotonic(),
        day=datetime.now(UTC).date(),
        world=_freeze(world),
        rows=table_rows(),
        sequences=_used_sequences(),
        sql_nulls=_sql_nulls(),
        files=files,
    )


def restore(snapshot: Snapshot):
    """Put the snapshot's rows, sequences and files back; the tables must be empty."""
    db.session.remove()
    for table in db.metadata.sorted_tables:
        if rows := snapshot.rows[table.name]:
            db.session.execute(insert(table), rows)
    _json_nulls_back(snapshot.sql_nulls)
    if snapshot.sequences:
        db.session.execute(text(_set_sequences(snapshot.sequences)))
    db.session.commit()
    forget_all()  # the rows came back behind the ORM's back; so must the figures
    # Files the world's rows name come back; others (earlier tests') stay, as after a build.
    if (snapshot.files / "uploads").exists():
        shutil.copytree(snapshot.files / "uploads", current_app.config["UPLOAD_DIR"],
                        dirs_exist_ok=True)  # fmt: skip
    if (snapshot.files / "search").exists():
        _restore_search_index(snapshot.files / "search")
    return _thaw(snapshot.world)


def _json_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, JSON):
                (key,) = table.primary_key.columns
                yield table, column, key


def _sql_nulls() -> dict[tuple[str, str], list]:
    """The rows whose JSON column is SQL NULL (not JSON's null), which read alike."""
    return {
        (table.name, column.name): list(
            db.session.execute(select(key).where(column.is_(None))).scalars()
        )
        for table, column, key in _json_columns()
    }


def _json_nulls_back(sql_nulls: dict[tuple[str, str], list]) -> None:
    """An insert writes None into a JSON column as JSON's null; the world had SQL NULL
    in some rows."""
    for table, column, key in _json_columns():
        if ids := sql_nulls[table.name, column.name]:
            # Each onupdate column set to itself: this write must change nothing else.
            unchanged = {c.name: c for c in table.columns if c.onupdate is not None}
            values = {**unchanged, column.name: null()}
            db.session.execute(update(table).where(key.in_(ids)).values(values))


def _restore_search_index(saved: Path) -> None:
    """The index as the world left it, as a new generation made current (as a rebuild
    does); the generation it replaces goes."""
    index = search_index()
    replaced = index.current_generation()
    generation = index.root / f"matrix-world-{os.getpid()}-{next(_numbers)}"
    shutil.copytree(saved, generation)
    index._write_pointer(CURRENT, generation)  # atomically, as a rebuild swaps one in
    if replaced is not None and replaced.name.startswith("matrix-world-"):
        shutil.rmtree(replaced, ignore_errors=True)


def table_rows() -> dict[str, list[dict]]:
    """Every table's rows, in primary-key order (so a row comes after the one it refers to)."""
    rows = {}
    for table in db.metadata.sorted_tables:
        ordered = select(table).order_by(*table.primary_key.columns)
        rows[table.name] = [dict(row) for row in db.session.execute(ordered).mappings()]
    return rows


def _used_sequences() -> dict[str, int]:
    if db.engine.dialect.name != "postgresql":
        return {}  # SQLite numbers a row after the table's highest id
    used = db.session.execute(
        text(
            "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    )
    return {name: value for name, value in used}


def _set_sequences(sequences: dict[str, int]) -> str:
    quote = db.engine.dialect.identifier_preparer.quote
    calls = [f"setval('{quote(name)}', {int(value)})" for name, value in sequences.items()]
    return "SELECT " + ", ".join(calls)


def _is_row_object(value) -> bool:
    return not isinstance(value, type) and hasattr(value, "__mapper__")


def _freeze(value):
    if _is_row_object(value):
        identity = instance_state(value).identity
        if identity is None:
            raise ValueError(f"the matrix world holds {value!r}, which has no row")
        return _Ref(type(value), identity)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _freeze(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, dict):
        return {key: _freeze(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_freeze(item) for item in value)
    return value


def _thaw(value):
    if isinstance(value, _Ref):
        found = db.session.get(value.model, value.identity)
        if found is None:
            raise LookupError(f"{value.model.__name__} {value.identity} was not restored")
        return found
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _thaw(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, dict):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_thaw(item) for item in value)
    return value
