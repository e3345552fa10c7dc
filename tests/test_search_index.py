"""The index follows commits (never rollbacks), survives damage, rebuilds aside,
and loses nothing when several threads or processes write at once."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import core.commands  # noqa: F401  (the sqlite_immediate option)
import core.text
import search.index
from accounts.models import User
from community import services as communities
from community.models import Community, CommunityKind
from core.extensions import db
from search import services
from search.index import CURRENT, IndexUnavailable, search_index
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def index(app):
    index = search_index()
    index.rebuild()  # a fresh, empty index for this test
    return index


@pytest.fixture
def leader(index):
    return make_user("olena@example.com", "Olena")


def indexed_keys(index) -> set[str]:
    with index.open().searcher() as searcher:
        return {fields["key"] for fields in searcher.all_stored_fields()}


def titles(user, text: str) -> list[str]:
    return [result.title.striptags() for result in services.search(user, text).results]


def test_committed_community_is_indexed_updated_and_removed(index, leader):
    community = make_community(leader, "Project Managers", description="Agile and Scrum")
    assert titles(leader, "scrum") == ["Project Managers"]

    communities.update_community(
        community,
        name="PM Guild",
        kind=CommunityKind.PRACTICE,
        description="Kanban",
        join_policy=community.join_policy,
    )
    db.session.commit()
    assert titles(leader, "scrum") == []
    assert titles(leader, "kanban") == ["PM Guild"]

    db.session.delete(community)
    db.session.commit()
    assert indexed_keys(index) == set()


def test_rolled_back_insert_never_reaches_the_index(index, leader):
    communities.create_community(leader, name="Ghost Club", kind=CommunityKind.INTEREST)
    db.session.flush()  # the listener has seen it
    db.session.rollback()
    make_community(leader, "Real Club")  # the next commit must not carry the ghost along

    assert titles(leader, "ghost") == []
    assert indexed_keys(index) == {f"community:{db.session.scalar(db.select(Community.id))}"}


def test_rolled_back_savepoint_drops_only_its_own_changes(index, leader):
    communities.create_community(leader, name="Kept Club", kind=CommunityKind.INTEREST)
    with db.session.begin_nested() as savepoint:
        communities.create_community(leader, name="Dropped Club", kind=CommunityKind.INTEREST)
        db.session.flush()
        savepoint.rollback()
    with db.session.begin_nested():
        communities.create_community(leader, name="Released Club", kind=CommunityKind.INTEREST)
    db.session.commit()

    assert titles(leader, "club") == ["Kept Club", "Released Club"] or sorted(
        titles(leader, "club")
    ) == ["Kept Club", "Released Club"]


def test_missing_index_falls_back_to_a_filtered_database_query(index, leader, login):
    make_community(leader, "Project Managers", description="Agile")
    archived = make_community(leader, "Old Project Office")
    admin = make_user("admin@example.com", is_admin=True)
    communities.archive_community(admin, archived)
    db.session.commit()
    employee = make_user("emma@example.com")
    (index.root / CURRENT).unlink()

    with pytest.raises(IndexUnavailable):
        index.open()
    page = login(employee).get("/search?q=project")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "being rebuilt" in html
    assert "Project Managers" in html
    assert "Old Project Office" not in html  # still permission-filtered
    assert "Old Project Office" in login(leader).get("/search?q=project").get_data(as_text=True)


def test_corrupt_index_never_breaks_the_page(index, leader, login):
    make_community(leader, "Project Managers")
    for path in index.current_generation().iterdir():
        path.write_bytes(b"\x00garbage")

    page = login(leader).get("/search?q=project")
    assert page.status_code == 200
    assert "being rebuilt" in page.get_data(as_text=True)
    assert "Project Managers" in page.get_data(as_text=True)
    make_community(leader, "QA Guild")  # a write to the damaged index is logged, not raised


def test_reindex_command_builds_aside_and_swaps(index, leader, runner):
    make_community(leader, "Project Managers")
    make_community(leader, "QA Guild")
    before = index.current_generation()

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 2 documents" in result.output
    after = index.current_generation()
    assert after != before and after.parent == before.parent
    assert titles(leader, "guild") == ["QA Guild"]
    runner.invoke(args=["search", "reindex"])
    assert not before.exists()  # generations older than the previous one are removed


def test_changes_committed_during_a_reindex_survive_the_swap(index, leader, monkeypatch):
    for number in range(6):
        make_community(leader, f"Guild {number}")
    first = db.session.scalar(db.select(Community).order_by(Community.id))
    monkeypatch.setattr(search.index, "BATCH_SIZE", 2)
    commits = []

    def commit_while_building(_count):
        if commits:
            return
        commits.append(make_community(leader, "Born During Reindex"))
        communities.update_community(
            first,
            name="Renamed During Reindex",
            kind=first.kind,
            description="",
            join_policy=first.join_policy,
        )
        db.session.commit()

    report = index.rebuild(on_progress=commit_while_building)

    assert report.documents >= 6
    assert titles(leader, "born") == ["Born During Reindex"]
    assert titles(leader, "renamed") == ["Renamed During Reindex"]
    assert len(indexed_keys(index)) == 7


def test_a_second_reindex_waits_its_turn(index):
    with open(index.root / "rebuild.lock", "a") as lock:
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(search.index.RebuildRunning):
            index.rebuild()


THREADS = 6
PER_THREAD = 4
# SQLite: take the write lock up front, as core.commands does (PostgreSQL ignores it).
WRITE_TRANSACTION = {"sqlite_immediate": True}


def test_concurrent_commits_from_threads_all_reach_the_index(app, index, leader):
    leader_id = leader.id
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Event()
    errors: list[BaseException] = []

    def create_communities(thread: int):
        try:
            start.wait()
            with app.app_context():
                for number in range(PER_THREAD):
                    db.session.connection(execution_options=WRITE_TRANSACTION)
                    person = db.session.get(User, leader_id)
                    communities.create_community(
                        person, name=f"T{thread} C{number}", kind=CommunityKind.INTEREST
                    )
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=create_communities, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()

    assert errors == []
    ids = set(db.session.scalars(db.select(Community.id)))
    assert len(ids) == THREADS * PER_THREAD
    assert indexed_keys(index) == {f"community:{row_id}" for row_id in ids}


PROCESS_SCRIPT = """
import sys
from app import create_app
from community import services
from community.models import CommunityKind
from core.extensions import db
from accounts.models import User

database_url, index_dir, label, count = sys.argv[1:5]
app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_INDEX_DIR": index_dir,
                  "TESTING": True})
with app.app_context():
    for number in range(int(count)):
        db.session.connection(execution_options={"sqlite_immediate": True})
        leader = db.session.scalars(db.select(User)).first()
        services.create_community(leader, name=f"{label} {number}", kind=CommunityKind.INTEREST)
        db.session.commit()
"""

PROCESSES = 3
PER_PROCESS = 5


def test_concurrent_commits_from_processes_all_reach_the_index(app, index, leader):
    db.session.remove()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                PROCESS_SCRIPT,
                app.config["SQLALCHEMY_DATABASE_URI"],
                str(index.root),
                f"P{number}",
                str(PER_PROCESS),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(PROCESSES)
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    failures = [err for process, err in zip(processes, errors, strict=True) if process.returncode]

    assert failures == []
    ids = set(db.session.scalars(db.select(Community.id)))
    assert len(ids) == PROCESSES * PER_PROCESS
    assert indexed_keys(index) == {f"community:{row_id}" for row_id in ids}
    with whoosh_index.open_dir(str(index.current_generation())).searcher() as searcher:
        assert searcher.doc_count() == PROCESSES * PER_PROCESS  # no duplicates either


def test_renaming_a_community_updates_its_events_and_deleting_it_removes_them(index, leader):
    community = make_community(leader, "Project Managers")
    make_event(leader, community, title="Agile meetup")
    communities.update_community(
        community,
        name="PM Guild",
        kind=community.kind,
        description="",
        join_policy=community.join_policy,
    )
    db.session.commit()
    assert [r.context for r in services.search(leader, "meetup").results] == ["PM Guild"]

    db.session.delete(community)  # the database deletes its events (ON DELETE CASCADE)
    db.session.commit()
    assert indexed_keys(index) == set()


def test_a_failed_index_commit_releases_the_lock_for_the_next_write(index, leader, monkeypatch):
    from whoosh.writing import SegmentWriter

    real_commit = SegmentWriter.commit

    def broken_commit(self, *args, **kwargs):
        raise AssertionError("whoosh failed while writing a segment")

    monkeypatch.setattr(index, "write_timeout", 2)  # a held lock would fail fast, not hang
    monkeypatch.setattr(SegmentWriter, "commit", broken_commit)
    make_community(leader, "Project Managers")  # committed; its index write fails (logged)
    monkeypatch.setattr(SegmentWriter, "commit", real_commit)
    make_community(leader, "QA Guild")  # the next write gets the lock
    assert titles(leader, "guild") == ["QA Guild"]


def test_indexing_reads_the_stored_html_and_never_renders_the_markdown_again(
    index, leader, monkeypatch
):
    community = make_community(leader, "Project Managers", description="Agile")
    render = core.text.cmarkgfm.markdown_to_html_with_extensions
    renders = []
    monkeypatch.setattr(
        core.text.cmarkgfm,
        "markdown_to_html_with_extensions",
        lambda *args, **kwargs: renders.append(1) or render(*args, **kwargs),
    )
    community.description = "**Kanban** and <abbr>WIP</abbr> limits"
    db.session.commit()
    assert len(renders) == 2  # once for the page (a second pass for its raw HTML), not again
    assert titles(leader, "kanban") == titles(leader, "wip") == ["Project Managers"]
