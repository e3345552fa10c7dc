"""The start page, the home page's address, and the language switch."""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from core import commands
from core.navigation import admin_items, home_page, home_url, start_actions
from core.permissions import can, requires
from core.security import safe_redirect_target

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated and home_page() is not None:
        return home_page()()
    return render_template("core/index.html", actions=start_actions())


@bp.route("/favicon.ico")
def favicon():
    """The icon browsers ask for at the site's root whatever the page links."""
    # Read whole (4 KB) rather than streamed, so no response leaves the file open.
    icon = (Path(current_app.static_folder) / "favicon.ico").read_bytes()
    return Response(
        icon,
        mimetype="image/vnd.microsoft.icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@bp.route("/home")
@requires("site.browse")
def home():
    """A lasting address for the signed-in person's home page, whichever feature serves it."""
    return redirect(home_url())


@bp.route("/admin")
def admin():
    """The admin pages this person may open: where the header's "Admin" menu leads
    without scripts."""
    items = [item for item in admin_items() if can(current_user, item.action)]
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not items:
        abort(403)
    return render_template("core/admin.html", items=items)


@bp.post("/language")
def set_language():
    """Remember the chosen language for the session, and for the account when signed in."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            with commands.transaction():
                current_user.locale = language
    return redirect(safe_redirect_target(request.form.get("next"), url_for("core.index")))
