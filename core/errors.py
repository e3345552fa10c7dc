"""Domain errors and the friendly error pages."""

import logging
from contextlib import suppress
from typing import NoReturn

from flask import Flask, abort, make_response, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import SecurityError

from core.extensions import db
from core.site import site_url_adapter


class DomainError(Exception):
    """A rule of the product was broken; the message is shown to people, beside the
    form field named by `field` when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def flush_or_refuse(message: str, field: str | None = None) -> None:
    """Flush; a unique constraint that the checks before missed (a race, or a case rule
    the database applies differently) becomes a DomainError for people, not a 503.

    The session must be rolled back after the error, as the command boundary
    (core/commands.py) does for any DomainError.
    """
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(message, field) from None


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Not allowed"),
    409: _l("Changed at the same moment"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}
logger = logging.getLogger("guildhall.errors")


def _error_page(status: int, message: str | None = None):
    if request_ctx and request_ctx.url_adapter is None:
        # The request's host is not one the site answers to: its links go to the site.
        request_ctx.url_adapter = site_url_adapter()
    return (
        render_template(
            "errors/error.html", status=status, title=ERROR_TITLES[status], message=message
        ),
        status,
    )


def forbidden(message: str) -> NoReturn:
    """Answer 403 with a sentence saying why (the error page shows it)."""
    abort(make_response(*_error_page(403, message)))


def _too_large_message() -> str:
    """What was too large: the files, the text, or one field (or the number of fields)."""
    limit = request.max_content_length
    length = request.content_length
    if limit is not None and length is not None and length <= limit:
        # The body was within bounds: a field was too long, or there were too many.
        return _("A text in the form is too long, or the form has too many fields: "
                 "shorten it and send it again.")  # fmt: skip
    if request.takes_files:
        # Refused from the Content-Length (or as it was read), before the body was kept.
        return _("What you sent is more than the site takes at once. Files may add up to "
                 "%(mb)s MB: send smaller files, or fewer at a time.",
                 mb=f"{limit / 2**20:g}" if limit else "?")  # fmt: skip
    return _("This text is too long: the site takes at most %(kb)s KB at once. Shorten "
             "it and send it again.", kb=limit // 1000 if limit else "?")  # fmt: skip


def register_error_handlers(app: Flask) -> None:
    for status in (400, 403, 404, 405, 429):
        # A response made for the error (a rate limit's own page) is kept.
        app.register_error_handler(
            status, lambda error, status=status: error.response or _error_page(status)
        )

    @app.errorhandler(413)
    def too_large(error):
        return _error_page(413, _too_large_message())

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no links are made from it, the page's go to the site.
        return _error_page(400, _("This site is not served at this address."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return _error_page(400, _("The form expired or was sent from elsewhere. Please try again."))

    # The database refused a row: a bug the checks before should have caught, or a race
    # they cannot see (two people saving one name at once). Not an outage: say what
    # happened, and log it so the missing check gets written.
    @app.errorhandler(IntegrityError)
    def conflict(error):
        logger.warning("integrity error: %s", error.orig.__class__.__name__, exc_info=error)
        db.session.rollback()
        return _error_page(
            409,
            _(
                "Someone else changed the same thing at the same moment, so nothing was "
                "saved. Please reload the page and try again."
            ),
        )

    @app.errorhandler(DataError)
    def out_of_range(error):
        logger.warning("data error: %s", error.orig.__class__.__name__, exc_info=error)
        db.session.rollback()
        return _error_page(
            400, _("A number or date is beyond what can be stored. Please check what you entered.")
        )

    @app.errorhandler(DBAPIError)
    def database_unavailable(error):
        # The database is down or unreachable: say so, log it, keep the traceback out of sight.
        logger.error("database error: %s", error.__class__.__name__, exc_info=error)
        with suppress(DBAPIError):  # the rollback may fail the same way
            db.session.rollback()
        return _error_page(503)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _error_page(500)
