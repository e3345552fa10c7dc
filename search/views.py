"""The results page behind the header's Search box."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

import search.documents  # noqa: F401  (registers the kinds of document)
import search.tracking  # noqa: F401  (keeps the index in step with commits)
from core.extensions import limiter
from core.permissions import requires
from search import services
from search.index import search_index

bp = Blueprint("search", __name__)


@bp.route("/search")
@requires("search.use")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
def results():
    found = services.search(
        current_user,
        request.args.get("q", ""),
        kind=request.args.get("kind"),
        page=request.args.get("page", 1, type=int),
    )
    if found.from_database and current_app.config.get(
        "SEARCH_AUTO_REBUILD", not current_app.testing
    ):
        search_index().rebuild_in_background(current_app._get_current_object())
    return render_template("search/results.html", found=found)
