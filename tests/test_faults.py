"""Faults: a database that is down, and the request log that helps find out why."""

import json
import logging

from app import create_app
from core.extensions import db
from core.logs import JSONFormatter
from tests.conftest import test_config

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/guildhall?connect_timeout=1"

# Every fault injected in this run that the site survived (tests/test_faults*.py add theirs).
SURVIVED: list[str] = []


def report_survived(capsys, what: str, injections: int = 1) -> None:
    """Count and print faults survived; the last line of a run tells the total."""
    SURVIVED.extend([what] * injections)
    with capsys.disabled():
        print(
            f"\nfault injections survived: {injections} × {what}; "
            f"{len(SURVIVED)} in this run so far"
        )


def test_database_down_gives_a_503_page_and_a_logged_error(tmp_path, caplog, capsys):
    app = create_app(test_config(UNREACHABLE, tmp_path))
    app.config["TESTING"] = False
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="guildhall.errors"):
        response = client.post("/signin", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "cannot reach its database" in page and "Traceback" not in page
    assert any("database error" in record.message for record in caplog.records)
    assert client.get("/").status_code == 200  # pages that need no database still work
    with app.app_context():
        db.engine.dispose()
    report_survived(capsys, "database down")


def test_each_request_is_logged_with_id_user_route_and_duration(world, login, caplog):
    client = login(world.users["member"])
    with caplog.at_level(logging.INFO, logger="guildhall.requests"):
        response = client.get("/communities/", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    record = next(r for r in caplog.records if r.name == "guildhall.requests")
    fields = json.loads(JSONFormatter().format(record))
    assert fields["request_id"] == "abc-123"
    assert fields["user_id"] == str(world.users["member"].id)
    assert fields["route"] == "community.directory" and fields["status"] == 200
    assert fields["duration_ms"] >= 0


def test_a_request_without_an_id_gets_one(client):
    assert len(client.get("/").headers["X-Request-ID"]) == 32
