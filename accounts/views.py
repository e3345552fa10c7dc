"""Sign-up, sign-in, sign-out, profile, and the admin's people page."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from accounts import services
from accounts.forms import SignInForm, SignUpForm
from accounts.models import User
from core.errors import DomainError
from core.extensions import db
from core.permissions import require, requires
from core.text import is_safe_next

bp = Blueprint("accounts", __name__)

# Higher features add their part of the profile ("My communities", "My events")
# here, so accounts never imports them.
ProfileSection = tuple[str, Callable[[User], dict]]
profile_sections: list[ProfileSection] = []


def register_profile_section(template: str, load: Callable[[User], dict]) -> None:
    if (template, load) not in profile_sections:
        profile_sections.append((template, load))


def _redirect_after_sign_in():
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("community.directory"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("community.directory"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.display_name.data, form.password.data)
        except DomainError as error:
            form.email.errors.append(error.message)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Guildhall, %(name)s!", name=user.display_name), "success")
            return redirect(url_for("community.directory"))
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    if current_user.is_authenticated:
        return _redirect_after_sign_in()
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return _redirect_after_sign_in()
        # One message for unknown email and wrong password alike.
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/signin.html", form=form), 400 if form.errors else 200


@bp.post("/signout")
def signout():
    logout_user()
    flash(_("Signed out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/me")
@requires("account.view_profile")
def profile():
    sections = [(template, load(current_user)) for template, load in profile_sections]
    return render_template("accounts/profile.html", sections=sections)


@bp.route("/admin/users")
@requires("site.manage_users")
def people():
    query = select(User).order_by(User.email)
    if term := request.args.get("q", "").strip():
        query = query.where(User.email.contains(term.lower()) | User.display_name.contains(term))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("accounts/people.html", page=page, term=term)


@bp.post("/admin/users/<int:user_id>/roles")
def change_site_role(user_id: int):
    require("site.manage_users")
    user = db.get_or_404(User, user_id)
    role, granted = request.form.get("role", ""), request.form.get("granted") == "1"
    try:
        if role == "active":
            services.set_active(current_user, user, granted)
        else:
            services.set_site_role(current_user, user, role, granted)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Saved for %(name)s.", name=user.display_name), "success")
    return redirect(url_for("accounts.people", q=request.args.get("q", "")))
