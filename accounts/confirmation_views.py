"""Proving a new account's address: the "check your inbox" page, the link, sending it again."""

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from accounts import services, sessions
from accounts.forms import ConfirmEmailForm
from accounts.models import User
from accounts.views import AWAITING_CONFIRMATION, SIGNED_UP_AS, _limit, bp
from core import commands
from core.extensions import db, limiter
from core.navigation import home_url


def _awaiting_confirmation() -> User | None:
    """The unconfirmed account this browser signed up (or signed in) as, if any."""
    user_id = session.get(AWAITING_CONFIRMATION)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email_confirmed or not user.active:
        session.pop(AWAITING_CONFIRMATION, None)
        return None
    return user


def _waiting_address() -> str | None:
    """The address this browser waits for mail at: its unconfirmed account's, or the one it
    signed up with (which may belong to an account made before)."""
    user = _awaiting_confirmation()
    return user.email if user is not None else session.get(SIGNED_UP_AS)


def _confirmation_limit_key() -> str:
    # Counted per waiting account, so changing address does not refill the allowance.
    user_id = session.get(AWAITING_CONFIRMATION)
    if user_id:
        return f"account:{user_id}"
    if session.get(SIGNED_UP_AS):
        return f"address:{session[SIGNED_UP_AS]}"
    return get_remote_address()


def _check_inbox_page(status: int = 200, wait_minutes: int | None = None):
    return render_template(
        "accounts/check_inbox.html",
        email=_waiting_address(),
        hours=current_app.config["CONFIRMATION_TOKEN_MAX_AGE"] // 3600,
        wait_minutes=wait_minutes,
    ), status


def _asked_too_often(request_limit):
    """The waiting page again, saying when the link may be asked for next (not a bare 429)."""
    if _waiting_address() is None:
        return None
    minutes = max(1, round((request_limit.reset_at - time.time()) / 60))
    body, status = _check_inbox_page(429, wait_minutes=minutes)
    return current_app.response_class(body, status)


@bp.get("/signup/check-inbox")
def check_inbox():
    if current_user.is_authenticated:
        return redirect(home_url())
    if _waiting_address() is None:
        return redirect(url_for("accounts.signin"))
    return _check_inbox_page()


@bp.post("/signup/check-inbox")
@limiter.limit(
    lambda: current_app.config["CONFIRMATION_RESEND_RATE_LIMIT"],
    key_func=_confirmation_limit_key,
    on_breach=_asked_too_often,
)
def resend_confirmation():
    if current_user.is_authenticated:
        return redirect(home_url())
    user = _awaiting_confirmation()
    email = _waiting_address()
    if email is None:
        return redirect(url_for("accounts.signin"))
    if user is not None:
        commands.run(lambda: services.send_email_confirmation(user))
    elif (existing := services.find_user_by_email(email)) is not None:
        commands.run(lambda: services.send_account_exists(existing))
    flash(_("A new link is on its way to %(email)s.", email=email), "info")
    return redirect(url_for("accounts.check_inbox"))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@_limit("SIGNIN_RATE_LIMIT")  # it may check a password
def confirm_email(token: str):
    # The GET only shows a button: a mail scanner opening the link confirms nothing.
    user = services.user_for_confirmation_token(token)
    if user is None:
        flash(_("This confirmation link has expired or was already used. Sign in to get a new "
                "one, or just sign in if your address is confirmed."), "warning")  # fmt: skip
        return redirect(url_for("accounts.signin"))
    # The link proves the address, not that the account was made by its owner: a browser
    # other than the one that signed up must give the account's password as well.
    signed_up_here = session.get(AWAITING_CONFIRMATION) == user.id
    form = ConfirmEmailForm(user, needs_password=not signed_up_here and bool(user.password_hash))
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("accounts/confirm_email.html", user=user, form=form), (
            400 if form.errors else 200
        )
    # Signed in only where the account's password was given (at sign-up or just now).
    signs_in = signed_up_here or "password" in form

    def confirm() -> User:
        confirmed = services.confirm_email(user.id)
        if signs_in:
            sessions.sign_in(confirmed)
        return confirmed

    outcome = commands.run(
        confirm,
        done=lambda confirmed: (
            _("Welcome to Guildhall, %(name)s!", name=confirmed.display_name)
            if signs_in
            else _("Your address is confirmed. Sign in to start.")
        ),
    )
    if not outcome.ok:
        return redirect(url_for("accounts.signin"))
    session.pop(AWAITING_CONFIRMATION, None)
    session.pop(SIGNED_UP_AS, None)
    return redirect(home_url() if signs_in else url_for("accounts.signin"))
