"""The permission matrix restores its world from a snapshot: the restored world is the built one."""

from pathlib import Path

from flask import current_app, g
from sqlalchemy import Text, cast, select

from community.models import Community
from core.extensions import db
from search.index import search_index
from tests.conftest import empty_all_tables
from tests.matrix import build_matrix_world
from tests.matrix_world import (
    MAX_AGE_SECONDS,
    _freeze,
    _snapshots,
    _used_sequences,
    matrix_world,
    restore,
    table_rows,
    take_snapshot,
)


def _start_again() -> None:
    """What happens between two tests: empty tables, a new session, new request globals."""
    empty_all_tables()
    db.session.remove()
    for name in list(g):
        g.pop(name)


def _raw_rows() -> dict[str, list[tuple]]:
    """Every row as the database holds it, each value as text (SQL NULL apart from
    JSON's null, a time as stored)."""
    return {
        table.name: db.session.execute(
            select(*[cast(column, Text) for column in table.columns]).order_by(
                *table.primary_key.columns
            )
        ).all()
        for table in db.metadata.sorted_tables
    }


def _indexed() -> list[dict]:
    generation = search_index().current_generation()
    if generation is None:
        return []
    with search_index().open().searcher() as searcher:
        return sorted(searcher.documents(), key=lambda document: document["key"])


def _files() -> dict[str, bytes]:
    root = Path(current_app.config["UPLOAD_DIR"])
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def test_a_restored_world_is_the_built_one(app):
    search_index().rebuild()
    built = build_matrix_world()
    rows, sequences, files, objects = table_rows(), _used_sequences(), _files(), _freeze(built)
    raw, indexed = _raw_rows(), _indexed()
    slug = built.community.slug
    snapshot = take_snapshot(built)
    assert sum(map(len, rows.values())) > 100  # the whole world, not a sample of it

    _start_again()
    restored = restore(snapshot)

    assert table_rows() == rows
    assert _raw_rows() == raw
    assert _indexed() == indexed and any("Project Managers" in d["title"] for d in indexed)
    assert _used_sequences() == sequences
    assert _files().items() >= files.items()
    assert _freeze(restored) == objects
    assert restored.community.slug == slug  # objects of this session, loaded


def test_a_case_starts_from_the_world_whatever_the_last_one_did(app):
    search_index().rebuild()
    _snapshots.clear()
    world = matrix_world(build_matrix_world)
    rows, indexed = table_rows(), _indexed()
    db.session.delete(db.session.get(Community, world.community.id))
    db.session.commit()
    assert _indexed() != indexed  # the index followed the commit
    _start_again()

    again = matrix_world(build_matrix_world)

    assert table_rows() == rows and _indexed() == indexed
    assert db.session.get(Community, again.community.id).name == world.community.name


def test_an_old_snapshot_is_built_again(app, monkeypatch):
    _snapshots.clear()
    matrix_world(build_matrix_world)
    (snapshot,) = _snapshots.values()
    _start_again()
    monkeypatch.setattr(snapshot, "taken_at", snapshot.taken_at - MAX_AGE_SECONDS - 1)

    matrix_world(build_matrix_world)

    assert next(iter(_snapshots.values())) is not snapshot
