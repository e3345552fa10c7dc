"""The results page behind the header's Search box."""

from flask import Blueprint, current_app, render_template, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

import search.conversation_documents  # noqa: F401  (registers conversations' posts)
import search.documents  # noqa: F401  (registers the kinds of document)
import search.tracking  # noqa: F401  (keeps the index in step with commits)
from core.bounds import page_number
from core.extensions import limiter
from core.permissions import is_signed_in, requires
from search import services
from search.index import search_index

bp = Blueprint("search", __name__)


def account_or_address() -> str:
    # Employees often share one office address, so a signed-in person is counted by
    # account; anyone else by address.
    if is_signed_in(current_user):
        return f"user:{current_user.id}"
    return get_remote_address()


@bp.route("/search")
# The limit comes first, so that every request counts, a visitor's too (sent to sign in).
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"], key_func=account_or_address)
@requires("search.use")
def results():
    found = services.search(
        current_user,
        request.args.get("q", ""),
        kind=request.args.get("kind"),
        page=page_number(),
    )
    if found.from_database and current_app.config.get(
        "SEARCH_AUTO_REBUILD", not current_app.testing
    ):
        search_index().rebuild_in_background(current_app._get_current_object())
    return render_template("search/results.html", found=found)
