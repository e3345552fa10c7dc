"""The start page, the home page's address, and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from core import commands
from core.navigation import home_page, home_url, start_actions
from core.permissions import requires
from core.security import safe_redirect_target

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated and home_page() is not None:
        return home_page()()
    return render_template("core/index.html", actions=start_actions())


@bp.route("/home")
@requires("site.browse")
def home():
    """A lasting address for the signed-in person's home page, whichever feature serves it."""
    return redirect(home_url())


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
