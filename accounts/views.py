"""Sign-up, sign-in, sign-out, profile, and the admin's people page."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from accounts import mail, services, sessions, sso
from accounts.forms import (
    AvatarForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignInForm,
    SignUpForm,
)
from accounts.models import User
from core import audit, commands
from core.confirm import ask_first
from core.extensions import db, limiter
from core.mail import EmailStatus, OutgoingEmail
from core.navigation import add_admin_item, add_start_action, home_url
from core.paging import paginate
from core.permissions import require, requires
from core.security import safe_redirect_target
from core.site import external_url
from core.zones import canonical_zone

bp = Blueprint("accounts", __name__)
mail.register_email_kind("welcome", _l("Welcome messages"))
mail.register_email_kind("account", _l("Account security"), optional=False)
add_start_action("accounts.signin", _l("Sign in"), primary=True)
add_start_action("accounts.signup", _l("Sign up"))
add_admin_item("accounts.people", _l("People"), "site.manage_users", 10)
add_admin_item("accounts.audit_log", _l("Audit log"), "site.manage_users", 20)
add_admin_item("accounts.outbox", _l("E-mail"), "site.manage_users", 30)

# Higher features add their part of the profile ("My communities", "My events")
# here, so accounts never imports them.
ProfileSection = tuple[str, Callable[[User], dict]]
profile_sections: list[ProfileSection] = []


# The session key that remembers which unconfirmed account this browser waits for.
AWAITING_CONFIRMATION = "awaiting_confirmation"
# The address this browser signed up with (new or not: the pages say the same).
SIGNED_UP_AS = "signed_up_as"


def register_profile_section(template: str, load: Callable[[User], dict]) -> None:
    if (template, load) not in profile_sections:
        profile_sections.append((template, load))


def _redirect_after_sign_in():
    return redirect(safe_redirect_target(request.args.get("next"), home_url()))


def _limit(setting: str, key_func=None):
    """A per-address limit on POSTs (or per `key_func`), read from configuration when the
    request comes."""
    return limiter.limit(lambda: current_app.config[setting], key_func=key_func, methods=["POST"])


def _this_account() -> str:
    """The rate-limit key of a signed-in person's account, wherever they send from."""
    return f"account:{current_user.id}" if current_user.is_authenticated else "anonymous"


@bp.route("/signup", methods=["GET", "POST"])
@_limit("SIGNUP_RATE_LIMIT")
def signup():
    if current_user.is_authenticated:
        return redirect(home_url())
    if not current_app.config["PASSWORD_SIGN_IN"]:
        flash(_("Accounts are made by signing in with your company account."), "info")
        return redirect(url_for("accounts.signin"))
    form = SignUpForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.sign_up(form.email.data, form.display_name.data,
                                     form.password.data, locale=str(get_locale())),
            form=form,
        )  # fmt: skip
        if outcome.ok:
            # Nobody is signed in until the address is proven (the link in the e-mail).
            session.pop(AWAITING_CONFIRMATION, None)
            if outcome.value is not None:
                session[AWAITING_CONFIRMATION] = outcome.value.id
            session[SIGNED_UP_AS] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_inbox"))
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


@bp.route("/signin", methods=["GET", "POST"])
@_limit("SIGNIN_RATE_LIMIT")
def signin():
    if current_user.is_authenticated:
        return _redirect_after_sign_in()
    form = SignInForm()
    if not current_app.config["PASSWORD_SIGN_IN"]:
        if request.method == "POST":
            abort(400)
        return render_template("accounts/signin.html", form=None)
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and not user.email_confirmed:
            session[AWAITING_CONFIRMATION] = user.id
            flash(_("You cannot sign in until you confirm your address with the link we "
                    "e-mailed to %(email)s.", email=user.email), "warning")  # fmt: skip
            return redirect(url_for("accounts.check_inbox"))
        if user is not None:
            commands.run(
                lambda: sessions.sign_in(user, remember=form.remember.data),
                done=_("Signed in as %(name)s.", name=user.display_name),
            )
            return _redirect_after_sign_in()
        # One message for unknown email and wrong password alike.
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/signin.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset", methods=["GET", "POST"])
@_limit("PASSWORD_RESET_RATE_LIMIT")
def request_password_reset():
    if not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.active:
            link = mail.external_url("accounts.reset_password",
                                     token=services.password_reset_token(user))  # fmt: skip
            commands.run(lambda: mail.email_user(user, "account", "password_reset", link=link))
        # The same answer whether or not the address has an account.
        flash(_("If %(email)s has an account, a reset link is on its way.",
                email=form.email.data), "info")  # fmt: skip
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/password_reset_request.html", form=form), (
        400 if form.errors else 200
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@_limit("PASSWORD_RESET_RATE_LIMIT")
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        flash(str(services.INVALID_RESET_LINK), "warning")
        return redirect(url_for("accounts.request_password_reset"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.reset_password(token, form.password.data),
            done=_("Your password is changed. Sign in with it now."),
        )
        if not outcome.ok:  # the link was used a moment ago (a double click, another tab)
            return redirect(url_for("accounts.request_password_reset"))
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/password_reset.html", form=form), (400 if form.errors else 200)


@bp.route("/signin/sso")
def sso_start():
    if not sso.sso_enabled():
        abort(404)
    session["sso_next"] = safe_redirect_target(request.args.get("next"), None)
    # Nothing is written (the provider's state goes into the cookie), so no transaction
    # waits on the provider; a refusal is shown as a command's would be.
    outcome = commands.ask(lambda: sso.start_sign_in(external_url("accounts.sso_callback")))
    return outcome.value if outcome.ok else redirect(url_for("accounts.signin"))


@bp.route("/signin/sso/callback")
def sso_callback():
    """The provider sends the person back here (a GET): its answer is checked over the
    network first, outside any transaction; then one command signs the person in."""
    if not sso.sso_enabled():
        abort(404)
    checked = commands.ask(sso.provider_claims)
    if not checked.ok:
        return redirect(url_for("accounts.signin"))

    def sign_in_with_provider():
        user = sso.account_for(checked.value)
        target = safe_redirect_target(session.pop("sso_next", None), home_url())
        sessions.sign_in(user)  # a fresh session: nothing from before signing in is kept
        return user, target

    outcome = commands.run(
        sign_in_with_provider,
        done=lambda signed_in: _("Signed in as %(name)s.", name=signed_in[0].display_name),
    )
    return redirect(outcome.value[1] if outcome.ok else url_for("accounts.signin"))


@bp.post("/signout")
def signout():
    commands.run(sessions.sign_out)
    flash(_("Signed out."), "info")
    return redirect(url_for("core.index"))


@bp.post("/signout/everywhere")
@requires("account.view_profile")
def signout_everywhere():
    user = current_user._get_current_object()
    commands.run(lambda: services.sign_out_everywhere(user))
    flash(_("Signed out on every device, this one too."), "info")
    return redirect(url_for("core.index"))


@bp.route("/me")
@requires("account.view_profile")
def profile():
    return _profile_page()


def _profile_page(
    password_form: PasswordChangeForm | None = None,
    profile_form: ProfileForm | None = None,
    avatar_form: AvatarForm | None = None,
    status: int = 200,
):
    """The settings page, with the form that failed (and its messages) where it was sent."""
    if profile_form is None:
        profile_form = ProfileForm(obj=current_user, formdata=None)
        profile_form.time_zone.data = canonical_zone(current_user.time_zone) or ""
        profile_form.locale.data = current_user.locale or ""
    sections = [(template, load(current_user)) for template, load in profile_sections]
    return render_template(
        "accounts/profile.html",
        sections=sections,
        password_form=password_form or PasswordChangeForm(),
        profile_form=profile_form,
        avatar_form=avatar_form or AvatarForm(formdata=None),
        live_sessions=sessions.live_sessions(current_user),
        this_session=sessions.current_session(),
    ), status


@bp.post("/me/password")
@_limit("PASSWORD_CHANGE_RATE_LIMIT", key_func=_this_account)  # guesses at the password
@requires("account.view_profile")
def change_password():
    if current_user.password_hash is None or not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit():
        if form.current_password.errors:
            commands.run(lambda: audit.record(user, "account.password_change_refused", user))
        return _profile_page(password_form=form, status=400)
    commands.run(
        lambda: services.set_new_password(user, form.password.data, "account.password_change"),
        done=_("Your password is changed. Other devices are signed out."),
    )
    return redirect(url_for("accounts.profile"))


# Each feature adds what it keeps about a person to their data download.
personal_data_sources: dict[str, Callable[[User], object]] = {}


def register_personal_data(name: str, load: Callable[[User], object]) -> None:
    personal_data_sources[name] = load


def _as_json(value):
    """Dates as ISO 8601 and money as exact text, whatever a feature's part holds."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@bp.route("/me/data.json")
@requires("account.view_profile")
def download_my_data():
    data = {"account": services.account_data(current_user)}
    data.update({name: load(current_user) for name, load in sorted(personal_data_sources.items())})
    response = jsonify(_as_json(data))
    response.headers["Content-Disposition"] = "attachment; filename=guildhall-my-data.json"
    return response


@bp.route("/admin/users")
@requires("site.manage_users")
def people():
    query = select(User).order_by(User.email)
    if term := request.args.get("q", "").strip():
        query = query.where(User.email.contains(term.lower()) | User.display_name.contains(term))
    page = paginate(query, 50)
    return render_template("accounts/people.html", page=page, term=term)


@bp.route("/admin/users/<int:user_id>/roles", methods=["GET", "POST"])
def change_site_role(user_id: int):
    require("site.manage_users")
    user = db.get_or_404(User, user_id)
    role, granted = request.values.get("role", ""), request.values.get("granted") == "1"
    back = url_for("accounts.people", q=request.values.get("q", ""))
    if request.method == "GET":  # asked first: making an admin, deactivating
        question = {
            ("admin", True): _("Make %(name)s an admin?", name=user.display_name),
            ("active", False): _("Deactivate %(name)s?", name=user.display_name),
        }.get((role, granted))
        if question is None:
            abort(400)
        detail = {
            "admin": _("Admins can change everyone's roles and read the audit log."),
            "active": _("They are signed out everywhere and can no longer sign in."),
        }[role]
        fields = {"role": role, "granted": "1" if granted else "0", "q": request.args.get("q", "")}
        button = _("Make admin") if role == "admin" else _("Deactivate")
        return ask_first(question, detail=detail, button=button, cancel=back, fields=fields)

    def change() -> None:
        if role == "active":
            services.set_active(current_user, user, granted)
        else:
            services.set_site_role(current_user, user, role, granted)

    commands.run(change, done=_("Saved for %(name)s.", name=user.display_name))
    return redirect(back)


@bp.route("/admin/audit")
@requires("site.manage_users")
def audit_log():
    action = request.args.get("action", "").strip()[:80]
    subject_type = request.args.get("subject", "").strip()[:40]
    actor = services.find_user_by_email(request.args.get("actor", "")[:254])
    actor_missing = bool(request.args.get("actor")) and actor is None
    query = audit.entries_query(action, subject_type, actor.id if actor else None)
    page = paginate(query, 50)
    actors = services.users_by_id({entry.actor_id for entry in page.items if entry.actor_id})
    return render_template(
        "accounts/audit.html",
        page=page,
        actors=actors,
        subject_types=audit.subject_types(),
        actor_missing=actor_missing,
    )


@bp.route("/admin/emails")
@requires("site.manage_users")
def outbox():
    status = request.args.get("status", "")
    query = select(OutgoingEmail).order_by(OutgoingEmail.id.desc())
    if status in EmailStatus._value2member_map_:
        query = query.where(OutgoingEmail.status == status)
    page = paginate(query, 50)
    return render_template("accounts/outbox.html", page=page, status=status, statuses=EmailStatus)


@bp.route("/admin/emails/<int:email_id>")
@requires("site.manage_users")
def outbox_message(email_id: int):
    email = db.get_or_404(OutgoingEmail, email_id)
    return render_template("accounts/outbox_message.html", email=email)
