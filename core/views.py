"""The home page and the language switch."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from core.errors import DomainError
from core.extensions import db
from core.security import safe_redirect_target

bp = Blueprint("core", __name__)


def commit_or_flash(message: str, action) -> bool:
    """Run a service call from a view; commit and flash `message`, or flash the rule it
    broke (after rolling back). True when it went through."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return False
    db.session.commit()
    flash(message, "success")
    return True


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
    return redirect(safe_redirect_target(request.form.get("next"), url_for("core.index")))
