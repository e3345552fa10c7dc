"""The home page and the language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from core.extensions import db
from core.text import is_safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("community.directory"))
    return render_template("core/index.html")


@bp.post("/language")
def set_language():
    """Remember the chosen language for the session, and for the account when signed in."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("core.index"))
