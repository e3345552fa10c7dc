"""Structured request logs on stdout: one JSON line per request, with a request id."""

import json
import logging
import sys
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import inspect

logger = logging.getLogger("guildhall.requests")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    if app.testing or logging.getLogger("guildhall").handlers:
        return  # tests read records through caplog; never add a second handler
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger("guildhall")
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def request_fields() -> dict:
    # The signed-in person's id from the identity map: after a commit their row is
    # expired, and reading `id` or `is_authenticated` would load it again for one line.
    state = inspect(current_user._get_current_object(), raiseerr=False)
    user_id = str(state.identity[0]) if state is not None and state.identity else None
    return {
        "request_id": g.get("request_id"),
        "user_id": user_id,
        "route": request.endpoint,
        "method": request.method,
        "path": request.path,
    }


def register_request_logging(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def start_timer():
        # Keep a request id given by the proxy in front of us, or make one.
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given[:64] if given.isprintable() and given else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if "request_started" in g:
            fields = request_fields()
            fields["status"] = response.status_code
            fields["duration_ms"] = round((time.perf_counter() - g.request_started) * 1000, 1)
            logger.info("request", extra={"fields": fields})
            response.headers["X-Request-ID"] = g.request_id
        return response
