"""Row locks serialise concurrent read-modify-write on both databases."""

import threading

import pytest

from community.models import Community
from core.commands import lock_row
from core.extensions import db
from tests.conftest import make_community, make_user

THREADS = 25


def test_concurrent_updates_under_a_row_lock_lose_nothing(app):
    community = make_community(make_user("lead@example.com"))
    community_id = community.id
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Event()
    errors: list[BaseException] = []

    def append_mark():
        try:
            start.wait()
            with app.app_context():
                db.session.execute(db.select(Community.id)).all()  # a read first, like a view
                locked = lock_row(Community, community_id)
                locked.description = locked.description + "x"
                db.session.commit()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=append_mark, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert errors == []
    db.session.expire_all()
    assert db.session.get(Community, community_id).description == "x" * THREADS


def test_lock_row_refuses_to_run_after_changes(app):
    community = make_community(make_user("lead@example.com"))
    community.description = "changed"
    try:
        lock_row(Community, community.id)
    except RuntimeError as error:
        assert "before any change" in str(error)
    else:
        raise AssertionError("lock_row accepted pending changes")


def test_a_lock_after_a_change_is_refused_even_when_the_change_was_in_a_savepoint(app):
    """On SQLite the lock commits what the transaction read so far; a change made before it
    (here inside a savepoint, which ends before the outer transaction does) would be
    committed with it, unasked."""
    community = make_community(make_user("lead@example.com"))
    with db.session.begin_nested():
        community.description = "changed"
    with pytest.raises(RuntimeError, match="before any change"):
        lock_row(Community, community.id)
    db.session.rollback()
    assert lock_row(Community, community.id).description != "changed"
