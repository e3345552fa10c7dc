"""People: a person's profile page, their avatar, and the settings that shape them.
(The routes join the accounts blueprint.)"""

from collections.abc import Callable

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import profiles
from accounts.forms import AvatarForm, ProfileForm
from accounts.models import User
from accounts.views import _profile_page, bp
from core import commands
from core.confirm import ask_first
from core.extensions import db
from core.images import image_response
from core.limits import accepts_files
from core.permissions import require, requires
from core.zones import is_time_zone

# Higher features add their part of a person's page ("Communities", "Events attended");
# each load reads a bounded number of rows for one person.
PersonSection = tuple[str, Callable[[User], dict]]
person_sections: list[PersonSection] = []


def register_person_section(template: str, load: Callable[[User], dict]) -> None:
    if (template, load) not in person_sections:
        person_sections.append((template, load))


def load_person(user_id: int) -> User:
    """A colleague's account; unknown and deactivated people are not found."""
    require("people.view")
    person = db.session.get(User, user_id)
    if person is None or not person.active:
        abort(404)
    return person


@bp.route("/people/<int:user_id>")
def person(user_id: int):
    shown = load_person(user_id)
    sections = [(template, load(shown)) for template, load in person_sections]
    return render_template("people/show.html", person=shown, sections=sections)


@bp.route("/people/<int:user_id>/avatar")
def avatar(user_id: int):
    shown = load_person(user_id)
    if not shown.shown_avatar:
        abort(404)
    path = profiles.AVATARS.path(shown.shown_avatar, thumb=request.args.get("size") == "thumb")
    if not path.is_file():
        abort(404)
    return image_response(path)


# --- the person's own settings ------------------------------------------------------


@bp.post("/me/profile")
@requires("account.view_profile")
def save_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("display_name", "job_title", "team",
                                                    "time_zone", "locale")}  # fmt: skip
        outcome = commands.run(
            lambda: profiles.update_profile(current_user.id, **data),
            done=_("Your profile is saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("accounts.profile"))
    return _profile_page(profile_form=form, status=400)


@bp.post("/me/avatar")
@accepts_files("MAX_SMALL_UPLOAD_SIZE")
@requires("account.view_profile")
def upload_avatar():
    form = AvatarForm()
    if form.validate_on_submit():
        upload = form.avatar.data
        outcome = commands.run(
            lambda: profiles.set_avatar(current_user.id, upload.stream),
            done=_("Your avatar is saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("accounts.profile"))
    return _profile_page(avatar_form=form, status=400)


@bp.route("/me/avatar/remove", methods=["GET", "POST"])
@requires("account.view_profile")
def remove_avatar():
    if request.method == "GET":
        return ask_first(
            _("Remove your avatar?"),
            detail=_("Your initials show instead; you can upload a picture again."),
            button=_("Remove avatar"),
            cancel=url_for("accounts.profile"),
        )
    commands.run(lambda: profiles.remove_avatar(current_user.id), done=_("Your avatar is removed."))
    return redirect(url_for("accounts.profile"))


@bp.post("/me/time-zone")
@requires("account.view_profile")
def browser_time_zone():
    """The zone a browser reports on first sign-in (static/js/time-zone.js); no page."""
    zone = request.form.get("time_zone", "")[:64]
    if not is_time_zone(zone):
        return "", 400
    commands.run(lambda: profiles.set_browser_time_zone(current_user.id, zone))
    return "", 204


@bp.post("/admin/users/<int:user_id>/avatar")
@requires("site.manage_users")
def hide_avatar(user_id: int):
    shown = db.get_or_404(User, user_id)
    hidden = request.form.get("hidden", "1") == "1"
    commands.run(
        lambda: profiles.hide_avatar(current_user, shown.id, hidden),
        done=_("The avatar is hidden.") if hidden else _("The avatar is shown again."),
    )
    return redirect(url_for("accounts.person", user_id=shown.id))
