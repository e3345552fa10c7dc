"""Proving a new account's address: the "check your inbox" page, the link, sending it again."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from accounts import services, sessions
from accounts.models import User
from accounts.views import AWAITING_CONFIRMATION, bp
from core.errors import DomainError
from core.extensions import db, limiter


def _awaiting_confirmation() -> User | None:
    """The unconfirmed account this browser signed up (or signed in) as, if any."""
    user_id = session.get(AWAITING_CONFIRMATION)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email_confirmed or not user.active:
        session.pop(AWAITING_CONFIRMATION, None)
        return None
    return user


def _confirmation_limit_key() -> str:
    # Counted per waiting account, so changing address does not refill the allowance.
    user_id = session.get(AWAITING_CONFIRMATION)
    return f"account:{user_id}" if user_id else get_remote_address()


@bp.get("/signup/check-inbox")
def check_inbox():
    if current_user.is_authenticated:
        return redirect(url_for("community.directory"))
    user = _awaiting_confirmation()
    if user is None:
        return redirect(url_for("accounts.signin"))
    return render_template("accounts/check_inbox.html", user=user)


@bp.post("/signup/check-inbox")
@limiter.limit(
    lambda: current_app.config["CONFIRMATION_RESEND_RATE_LIMIT"], key_func=_confirmation_limit_key
)
def resend_confirmation():
    if current_user.is_authenticated:
        return redirect(url_for("community.directory"))
    user = _awaiting_confirmation()
    if user is None:
        return redirect(url_for("accounts.signin"))
    services.send_email_confirmation(user)
    db.session.commit()
    flash(_("A new link is on its way to %(email)s.", email=user.email), "info")
    return redirect(url_for("accounts.check_inbox"))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    # The GET only shows a button: a mail scanner opening the link confirms nothing.
    user = services.user_for_confirmation_token(token)
    if user is None:
        flash(_("This confirmation link has expired or was already used. Sign in to get a new "
                "one, or just sign in if your address is confirmed."), "warning")  # fmt: skip
        return redirect(url_for("accounts.signin"))
    if request.method == "GET":
        return render_template("accounts/confirm_email.html", user=user)
    try:
        user = services.confirm_email(user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("accounts.signin"))
    db.session.commit()
    # Signed in only in the browser that gave the password; elsewhere the link alone
    # proves the address, not the person.
    if session.pop(AWAITING_CONFIRMATION, None) == user.id:
        sessions.sign_in(user)
        db.session.commit()
        flash(_("Welcome to Guildhall, %(name)s!", name=user.display_name), "success")
        return redirect(url_for("community.directory"))
    flash(_("Your address is confirmed. Sign in to start."), "success")
    return redirect(url_for("accounts.signin"))
