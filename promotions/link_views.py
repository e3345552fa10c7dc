"""`/go/<code>`: where a tracked link lands, counts the click and passes the visitor on."""

from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import gettext as _

from core import commands
from core.extensions import limiter
from promotions import links

bp = Blueprint("links", __name__)


def _redirect_limit() -> str:
    return current_app.config["TRACKED_LINK_RATE_LIMIT"]


@bp.route("/go/<code>")
@commands.writes_on_get  # a click is counted when it is followed
@limiter.limit(_redirect_limit)
def follow(code: str):
    link = links.find_link(code)
    if link is None:
        abort(404)
    # The stored path was checked when the link was made; check again so that a
    # row changed by hand can never turn the site into an open redirect.
    if not links.is_internal_path(link.target_path):
        abort(404)
    if links.has_ended(link):
        # Not counted and no cookie: the page it led to is closed or gone.
        return render_template(
            "errors/error.html",
            status=404,
            title=_("This has ended"),
            message=_("What this link promoted is over. Thank you for your interest!"),
        ), 404
    if request.method == "HEAD":  # link previews ask without following: not a click
        return redirect(link.target_path, code=302)
    link = commands.run(lambda: links.count_visit(link.id, request.remote_addr or "")).value
    if link is None:
        abort(404)
    response = redirect(link.target_path, code=302)
    response.set_cookie(**links.attribution_cookie(link))
    response.headers["Cache-Control"] = "no-store"  # every click reaches us
    return response


links.connect_signals()  # attribution follows the visitor's next steps
