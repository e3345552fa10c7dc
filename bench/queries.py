"""SQL statements per measured page, counted in-process on a given database.

    .venv/bin/python bench/queries.py postgresql+psycopg://postgres@127.0.0.1/guildhall_bench

The same pages as the load benchmark, seen by the same people; the count is
taken on the second request (the first also loads the translations).
"""

import logging
import secrets
import sys
from pathlib import Path

from flask_login import FlaskLoginClient
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accounts.models import User  # noqa: E402
from app import create_app  # noqa: E402
from bench.pages import people, resolve  # noqa: E402
from core.extensions import db  # noqa: E402


def testing_app(database_url: str, search_index_dir: str | None = None, redis_url=None):
    """The site on this database for in-process measures, and the pages it can show
    (figures kept in Redis given its URL, else in the process)."""
    # TESTING: Flask-Login's test client signs people in without a session row, which
    # only a testing app accepts (accounts/sessions.py); it answers on any host too.
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
              "SEARCH_AUTO_REBUILD": False, "SECRET_KEY": secrets.token_hex(32)}  # fmt: skip
    if search_index_dir:
        config["SEARCH_INDEX_DIR"] = search_index_dir
    if redis_url:
        config["REDIS_URL"] = redis_url
    app = create_app(config)
    logging.getLogger("guildhall.requests").setLevel(logging.WARNING)  # one line a request
    app.test_client_class = FlaskLoginClient
    targets, _skipped = resolve(database_url, {rule.endpoint for rule in app.url_map.iter_rules()})
    return app, targets


def page_client(database_url: str, page: str, index_dir: str | None):
    """A test client signed in as the page's person, the page (None when the data set
    has no such page), and the names of the pages it has."""
    app, targets = testing_app(database_url, index_dir)
    target = next((t for t in targets if t.name == page), None)
    if target is None:
        return None, None, [t.name for t in targets]
    with app.app_context():
        user = db.session.get(User, people(database_url)[target.role])
        db.session.expunge_all()
    return app.test_client(user=user), target, [t.name for t in targets]


def count_statements(database_url: str, search_index_dir: str | None = None) -> dict[str, int]:
    """page name → statements run to answer it."""
    app, targets = testing_app(database_url, search_index_dir)
    who = people(database_url)
    counts = {}
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():  # requests get their own context, as when served
        engine = db.engine
        users = {role: db.session.get(User, user_id) for role, user_id in who.items()}
        db.session.expunge_all()
    event.listen(engine, "before_cursor_execute", record)
    try:
        for target in targets:
            client = app.test_client(user=users[target.role])
            client.get(target.path)
            statements.clear()
            response = client.get(target.path)
            if response.status_code != 200:
                raise SystemExit(f"{target.name} ({target.path}) answered {response.status_code}")
            counts[target.name] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return counts


if __name__ == "__main__":
    for name, count in count_statements(sys.argv[1]).items():
        print(f"{name:<26}{count:>4}")
