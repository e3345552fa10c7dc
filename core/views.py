"""The home page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("community.directory"))
    return render_template("core/index.html")
