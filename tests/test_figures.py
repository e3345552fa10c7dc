"""Kept figures (core/figures.py): used while nothing they count changed, on any process."""

import sys
import threading
from collections.abc import Callable

import pytest
import redis
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from app import create_app
from community import services as communities
from community.models import Community, Membership
from core import figures
from core.config import figures_cache_config
from core.extensions import db, figures_cache
from tests.conftest import (
    close_app,
    make_community,
    make_user,
    missing_tool,
    redis_is_up,
    test_config,
)

REDIS_URL = "redis://127.0.0.1:6379/13"
# Tests here empty that Redis database: under pytest-xdist they run one at a time on
# one worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("redis-13")


class Counter:
    """A figure that says how often it was computed."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"computed": self.calls}


@pytest.fixture
def keeping(app):
    """Figures are kept on both databases (the SQLite rule is tested below)."""


def _meanwhile(app, change: Callable[[], object]) -> None:
    """`change`, made and committed by another connection (a second worker), waited for."""

    def run():
        with app.app_context():
            change()
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _join(user_id: int, community_id: int) -> None:
    communities.join_community(db.session.get(User, user_id),
                               db.session.get(Community, community_id))  # fmt: skip


def test_on_sqlite_a_figure_is_kept_only_from_a_transaction_begun_after_its_versions(app):
    """SQLite reads a transaction from the snapshot its first read took: a figure counted
    in a transaction that began before the commit that set its version is not kept."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("about SQLite")
    community = _started(make_community(make_user("lena@example.com")))
    newcomer_id, community_id = make_user("max@example.com").id, community.id
    counter = Counter()
    assert _kept(community, counter) == {"computed": 1}
    assert _kept(community, counter) == {"computed": 1}  # kept from the first transaction

    db.session.commit()
    db.session.get(Community, community_id)  # this transaction begins, and reads

    _meanwhile(app, lambda: _join(newcomer_id, community_id))
    # The join's version is newer than this transaction's BEGIN: counted, not kept.
    assert _kept(community, counter, new_request=False) == {"computed": 2}
    assert _kept(community, counter, new_request=False) == {"computed": 3}
    assert _kept(community, counter) == {"computed": 4}  # a new transaction keeps it
    assert _kept(community, counter) == {"computed": 4}


def test_on_sqlite_a_transaction_begun_before_the_store_was_emptied_keeps_nothing(app):
    """forget_all (a restore) starts a new epoch: a transaction that began before it still
    reads the old rows, so it must not start versions as of its BEGIN and keep them."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("about SQLite")
    community = make_community(make_user("lena@example.com"))
    community_id = community.id
    counter = Counter()
    _kept(community, counter)
    db.session.commit()
    db.session.get(Community, community_id)  # this transaction begins, and reads

    _meanwhile(app, figures.forget_all)
    assert _kept(community, counter, new_request=False) == {"computed": 2}
    assert _kept(community, counter, new_request=False) == {"computed": 3}  # not kept
    assert _kept(community, counter) == {"computed": 4}
    assert _kept(community, counter) == {"computed": 4}


def test_a_version_of_an_earlier_boot_was_set_before_any_transaction_of_this_one():
    earlier_boot = "0" * 32
    assert figures._set_before([f"{earlier_boot}.ffffffffffff.abc"], 10)
    assert not figures._set_before([figures._new_version()], 10)
    assert not figures._set_before(["no-time-in-it"], 10**30)


def _started(*communities):
    """Their versions set, in a request of their own (on SQLite a figure is kept only by
    a later transaction than the one that starts the versions)."""
    for community in communities:
        figures.kept("community", community.id, "start", lambda: None)
    db.session.commit()
    return communities[0] if len(communities) == 1 else communities


def _kept(community, counter, name="members", *, new_request=True):
    """The figure as a request would see it: in a transaction of its own (SQLite keeps a
    figure only from a transaction that began after its versions were set)."""
    if new_request:
        db.session.commit()
    return figures.kept("community", community.id, name, counter)


def test_a_figure_is_computed_once_while_nothing_changes(app, keeping):
    community = _started(make_community(make_user("lena@example.com")))
    counter = Counter()
    assert _kept(community, counter) == {"computed": 1}
    assert _kept(community, counter) == {"computed": 1}
    assert counter.calls == 1


def test_a_committed_change_in_the_scope_counts_again_and_leaves_others_kept(app, keeping):
    leader = make_user("lena@example.com")
    first, second = make_community(leader), make_community(leader, "Testers")
    in_first, in_second = Counter(), Counter()
    _kept(first, in_first), _kept(second, in_second)

    communities.join_community(make_user("max@example.com"), first)
    db.session.commit()

    assert _kept(first, in_first) == {"computed": 2}
    assert _kept(second, in_second) == {"computed": 1}


def test_the_changing_transaction_sees_its_own_rows_and_a_rollback_changes_nothing(app, keeping):
    community = _started(make_community(make_user("lena@example.com")))
    newcomer = make_user("max@example.com")
    counter = Counter()
    _kept(community, counter)

    communities.join_community(newcomer, community)
    # Not yet committed: counted anew.
    assert _kept(community, counter, new_request=False) == {"computed": 2}
    db.session.rollback()

    assert _kept(community, counter) == {"computed": 1}  # the kept one still holds


def _versions(community):
    return figures_cache.get_many("version:community", f"version:community:{community.id}")


def test_versions_change_when_the_outer_transaction_commits_not_its_savepoints(app, keeping):
    """join_community adds the membership inside a savepoint: releasing it must not yet
    tell other processes, whose reads cannot see the row until the commit."""
    community = make_community(make_user("lena@example.com"))
    newcomer, latecomer = make_user("max@example.com"), make_user("ivy@example.com")
    _kept(community, Counter())
    before = _versions(community)

    communities.join_community(newcomer, community)
    assert _versions(community) == before
    with pytest.raises(IntegrityError), db.session.begin_nested():  # a failed savepoint
        db.session.add(Membership(user=latecomer, community=community))
        db.session.add(Membership(user=latecomer, community=community))
        db.session.flush()
    db.session.commit()

    assert _versions(community) != before  # the failed savepoint kept the join's note


def test_a_bulk_statement_counts_every_scope_of_its_kind_again(app, keeping):
    leader = make_user("lena@example.com")
    first, second = make_community(leader), make_community(leader, "Testers")
    in_first, in_second = Counter(), Counter()
    _kept(first, in_first), _kept(second, in_second)

    db.session.execute(update(Membership).where(Membership.community_id == first.id)
                       .values(joined_at=Membership.joined_at))  # fmt: skip
    db.session.commit()

    assert (_kept(first, in_first), _kept(second, in_second)) == ({"computed": 2},) * 2


def test_a_figure_counted_while_a_change_commits_is_not_used_after_it(app, keeping):
    """The versions are read before counting: a count that started before a commit is
    kept under the old versions, which the commit replaced."""
    community = make_community(make_user("lena@example.com"))
    newcomer_id = make_user("max@example.com").id
    community_id = community.id

    def count_while_someone_joins():
        _meanwhile(app, lambda: _join(newcomer_id, community_id))
        return "counted before the join"

    assert figures.kept("community", community_id, "members", count_while_someone_joins) == (
        "counted before the join"
    )
    assert figures.kept("community", community_id, "members", lambda: "after") == "after"


def test_forget_all_drops_every_kept_figure(app, keeping):
    community = make_community(make_user("lena@example.com"))
    counter = Counter()
    _kept(community, counter)
    figures.forget_all()
    assert _kept(community, counter) == {"computed": 2}


def test_the_store_follows_the_deployment():
    assert figures_cache_config({"REDIS_URL": REDIS_URL})["CACHE_TYPE"] == "RedisCache"
    # Without Redis a figure kept in one process would not hear of another's changes.
    assert figures_cache_config({"GUILDHALL_ENV": "production"})["CACHE_TYPE"] == "NullCache"
    assert figures_cache_config({"GUILDHALL_ENV": "development"})["CACHE_TYPE"] == "NullCache"
    assert figures_cache_config({"TESTING": True})["CACHE_TYPE"] == "SimpleCache"
    assert figures_cache_config({"FIGURES_CACHE_TYPE": "SimpleCache"})["CACHE_TYPE"] == (
        "SimpleCache"
    )


class Vanishing:
    """A figure's class that a later deploy removes."""


def test_a_figure_kept_by_older_code_is_counted_afresh(app, keeping, monkeypatch):
    """A deploy that changed a kept figure's class must not fail on the old pickles."""
    community = make_community(make_user("lena@example.com"))
    counter = Counter()
    _kept(community, counter)
    versions = _versions(community)
    key = f"figure:{figures.FORMAT}:community:{community.id}:members"
    figures_cache.set(key, (versions, Vanishing()))
    monkeypatch.delattr(sys.modules[__name__], "Vanishing")

    assert _kept(community, counter) == {"computed": 2}  # not a 500
    assert _kept(community, counter) == {"computed": 3}  # and kept anew
    assert _kept(community, counter) == {"computed": 3}


@pytest.fixture
def two_processes(app, database_url, tmp_path):
    """Two more apps on the same database and Redis, as two workers or hosts would be."""
    if not redis_is_up(REDIS_URL):
        missing_tool("Redis is not running on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    config = test_config(database_url, tmp_path) | {"REDIS_URL": REDIS_URL}
    pair = [create_app(config) for _ in range(2)]
    yield pair
    for other in pair:
        close_app(other)
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_with_redis_a_change_made_in_one_process_is_seen_by_the_other(app, keeping,
                                                                     two_processes):  # fmt: skip
    writer, reader = two_processes
    community_id = make_community(make_user("lena@example.com")).id
    newcomer_id = make_user("max@example.com").id
    counter = Counter()
    with reader.app_context():
        figures.kept("community", community_id, "start", lambda: None)  # starts the versions
    for _request in range(2):
        with reader.app_context():
            assert figures.kept("community", community_id, "members", counter) == {"computed": 1}
    with writer.app_context():
        communities.join_community(db.session.get(User, newcomer_id),
                                   db.session.get(Community, community_id))  # fmt: skip
        db.session.commit()
        db.session.remove()
    with reader.app_context():
        assert figures.kept("community", community_id, "members", counter) == {"computed": 2}


def test_without_redis_the_figure_is_counted_and_the_page_still_answers(app, database_url,
                                                                        tmp_path):  # fmt: skip
    community_id = make_community(make_user("lena@example.com")).id
    config = test_config(database_url, tmp_path) | {"REDIS_URL": "redis://127.0.0.1:1/0"}
    unreachable = create_app(config)
    try:
        with unreachable.app_context():
            assert figures.kept("community", community_id, "members", lambda: 7) == 7
    finally:
        close_app(unreachable)
