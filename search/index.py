"""The Whoosh index on disk: its schema, its generations, writes and rebuilds.

Layout of SEARCH_INDEX_DIR:

    CURRENT       name of the generation searches read and writes go to
    BUILDING      present while `search reindex` builds the next generation
    gen-<ns>/     one complete Whoosh index per generation
    rebuild.lock  held (flock) by the one process that is rebuilding

A rebuild fills a new generation aside and then swaps CURRENT with an atomic
rename, so the site keeps searching the old one meanwhile. While BUILDING is
there, every commit writes to both generations; the rebuilder reads each batch
from the database while holding the new generation's write lock, so a change
committed during the rebuild is either in the batch it reads or written after
it: nothing is lost in the swap.

Several processes write safely through Whoosh's own file lock: a writer waits
for it (SEARCH_WRITE_TIMEOUT seconds, retrying every 50 ms) rather than
failing; see the README section "Search".
"""

import fcntl
import gc
import logging
import os
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from core.extensions import db
from search.analysis import text_analyzer, word_analyzer
from search.registry import Kind, kinds

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
BUILDING = "BUILDING"
REBUILD_LOCK = "rebuild.lock"
BATCH_SIZE = 200
OPEN_ATTEMPTS = 20
DEFAULT_WRITE_TIMEOUT_SECONDS = 30.0


class IndexUnavailable(Exception):
    """The index is missing or cannot be read; search falls back to the database."""


class RebuildRunning(Exception):
    """Another process is rebuilding the index right now."""


def make_schema() -> Schema:
    return Schema(
        key=ID(unique=True, stored=True),  # "<kind>:<id>"
        kind=ID(stored=True),
        title=TEXT(analyzer=text_analyzer(), stored=True, field_boost=3.0),
        body=TEXT(analyzer=text_analyzer(), stored=True),
        words=TEXT(analyzer=word_analyzer(), phrase=False),  # "did you mean" dictionary
        audience=KEYWORD(scorable=False),  # who may see it, see search/registry.py
        parents=KEYWORD(scorable=False),  # keys it depends on: removed with them
        context=STORED(),
        endpoint=STORED(),
        url_args=STORED(),
    )


def fields_for(kind: Kind, row) -> dict:
    """The index fields of one database row."""
    document = kind.document(row)
    return {
        "key": kind.key(row.id),
        "kind": kind.name,
        "title": document.title,
        "body": document.body,
        "words": f"{document.title} {document.body}",
        "audience": " ".join(sorted(set(document.audience))),
        "parents": " ".join(document.parents),
        "context": document.context,
        "endpoint": document.endpoint,
        "url_args": dict(document.url_args),
    }


@dataclass
class RebuildReport:
    documents: int
    seconds: float
    size_bytes: int
    generation: str


class SearchIndex:
    def __init__(self, root: str | Path, write_timeout: float = DEFAULT_WRITE_TIMEOUT_SECONDS):
        self.root = Path(root)
        self.write_timeout = write_timeout

    # ---- generations -------------------------------------------------------

    def _read_pointer(self, name: str) -> Path | None:
        try:
            generation = (self.root / name).read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        path = self.root / generation
        return path if generation and path.is_dir() else None

    def _write_pointer(self, name: str, generation: Path) -> None:
        temporary = self.root / f".{name}.{os.getpid()}.{threading.get_ident()}"
        temporary.write_text(generation.name)
        os.replace(temporary, self.root / name)  # atomic: readers see the old or the new

    def current_generation(self) -> Path | None:
        return self._read_pointer(CURRENT)

    def is_rebuilding(self) -> bool:
        return self._read_pointer(BUILDING) is not None

    def open(self):
        """The current index for reading; IndexUnavailable when missing or unreadable."""
        generation = self.current_generation()
        if generation is None:
            raise IndexUnavailable("no search index yet")
        return open_generation(generation)

    # ---- writes ------------------------------------------------------------

    @contextmanager
    def _writer(self, ix, optimize: bool = False):
        """A writer holding the index's write lock, waiting for other processes' writers."""
        writer = ix.writer(timeout=self.write_timeout, delay=0.05)
        try:
            yield writer
            writer.commit(optimize=optimize)
        except BaseException:
            _give_up(writer)
            raise

    def apply(self, upserts: dict[str, dict], deletes: Iterable[str]) -> None:
        """Write committed changes to the current generation (and the one being built).

        A deleted key also removes the documents that name it among their
        parents (rows the database deleted by ON DELETE CASCADE)."""
        deletes = set(deletes) - set(upserts)
        targets = [self.current_generation(), self._read_pointer(BUILDING)]
        for generation in dict.fromkeys(path for path in targets if path is not None):
            try:
                ix = open_generation(generation)
                with self._writer(ix) as writer:
                    for key in deletes:
                        writer.delete_by_term("key", key)
                        writer.delete_by_term("parents", key)
                    for fields in upserts.values():
                        writer.update_document(**fields)
            except (FileNotFoundError, IndexUnavailable):
                # A rebuild swapped and removed this generation meanwhile; the
                # new one read these rows from the database after our commit.
                if generation in (self.current_generation(), self._read_pointer(BUILDING)):
                    raise

    # ---- rebuild -----------------------------------------------------------

    def rebuild(self, on_progress: Callable[[int], None] = lambda _n: None) -> RebuildReport:
        """Build a complete new generation from the database, then swap it in."""
        started = time.perf_counter()
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / REBUILD_LOCK, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RebuildRunning("another process is rebuilding the search index") from None
            previous = self.current_generation()
            generation = self.root / f"gen-{time.time_ns()}"
            generation.mkdir()
            ix = whoosh_index.create_in(str(generation), make_schema())
            self._write_pointer(BUILDING, generation)
            try:
                documents = sum(self._index_kind(ix, kind, on_progress) for kind in kinds())
                with self._writer(ix, optimize=True):
                    pass  # merge the batches' segments into one
                self._write_pointer(CURRENT, generation)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            finally:
                (self.root / BUILDING).unlink(missing_ok=True)
            self._remove_old_generations(keep={generation, previous})
        return RebuildReport(
            documents=documents,
            seconds=time.perf_counter() - started,
            size_bytes=sum(f.stat().st_size for f in generation.iterdir()),
            generation=generation.name,
        )

    def count_rows(self) -> int:
        """How many rows a rebuild will index (for its progress bar)."""
        with Session(db.engine) as session:
            return sum(
                session.scalar(select(func.count()).select_from(kind.model)) for kind in kinds()
            )

    def _index_kind(self, ix, kind: Kind, on_progress: Callable[[int], None]) -> int:
        indexed, last_id = 0, 0
        while True:
            # Reading under the write lock orders this batch with live writers.
            with self._writer(ix) as writer, Session(db.engine) as session:
                rows = (
                    session.execute(
                        select(kind.model)
                        .options(*kind.load_options())
                        .where(kind.model.id > last_id)
                        .order_by(kind.model.id)
                        .limit(BATCH_SIZE)
                    )
                    .scalars()
                    .all()
                )
                for row in rows:
                    writer.update_document(**fields_for(kind, row))
            if not rows:
                return indexed
            last_id = rows[-1].id
            indexed += len(rows)
            on_progress(len(rows))

    def _remove_old_generations(self, keep: set) -> None:
        # The previous generation stays until the next rebuild: a request that
        # opened it just before the swap can still finish reading it.
        for path in self.root.glob("gen-*"):
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)

    def rebuild_in_background(self, app) -> None:
        """Start a rebuild in a thread unless one is running (in any process)."""

        def run():
            with app.app_context():
                try:
                    self.rebuild()
                except RebuildRunning:
                    pass
                except Exception:  # noqa: BLE001  (a failed rebuild must not kill the process)
                    log.exception("search index rebuild failed")

        if not self.is_rebuilding():
            threading.Thread(target=run, name="search-rebuild", daemon=True).start()


def _give_up(writer) -> None:
    """Drop a failed write and, above all, its lock: a failed commit keeps Whoosh's file
    lock held, and every later write in this process would then wait for it forever."""
    with suppress(Exception):
        writer.cancel()
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        with suppress(Exception):
            lock.release()


def open_generation(path: Path):
    """Open one generation's Whoosh index; IndexUnavailable when it is damaged."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return whoosh_index.open_dir(str(path))
            except FileNotFoundError:
                # Another process's commit replaced the table of contents we
                # were about to read: read the new one.
                if not path.is_dir() or attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.01)
            except Exception as error:  # noqa: BLE001  (any damage means: fall back)
                problem = f"search index unreadable: {type(error).__name__}: {error}"
                break
        gc.collect()  # quietly close the files Whoosh left open on the damaged index
    raise IndexUnavailable(problem)


def search_index() -> SearchIndex:
    """The index of the current app."""
    return SearchIndex(
        current_app.config["SEARCH_INDEX_DIR"],
        current_app.config.get("SEARCH_WRITE_TIMEOUT", DEFAULT_WRITE_TIMEOUT_SECONDS),
    )
