"""Account rules: who may sign up, sign-in checks, proving an address, site roles."""

import hashlib
from collections.abc import Callable
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from accounts import mail, sessions
from accounts.models import User
from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.text import one_line

SITE_ROLES = ("admin", "smm")


@cache
def _dummy_password_hash(method: str) -> str:
    # Checked on unknown emails too, so a wrong email costs as long as a wrong password.
    return generate_password_hash("no account has this password", method=method)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def allowed_email_domains() -> list[str]:
    return current_app.config["ALLOWED_EMAIL_DOMAINS"]


def is_allowed_email(email: str) -> bool:
    domain = normalise_email(email).rpartition("@")[2]
    return domain in allowed_email_domains()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def users_by_id(user_ids: set[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {
        u.id: u for u in db.session.execute(select(User).where(User.id.in_(user_ids))).scalars()
    }


def create_user(
    email: str,
    display_name: str,
    password: str | None,
    *,
    is_admin: bool = False,
    is_smm: bool = False,
    check_domain: bool = True,
    email_confirmed: bool = False,
) -> User:
    """A new account; `email_confirmed` only where the address is already proven (single
    sign-on) or vouched for (an operator's `flask users create`, the demo)."""
    email = normalise_email(email)
    display_name = one_line(display_name) or ""
    if not display_name:
        raise DomainError(_("Enter the name colleagues know you by."), field="display_name")
    if check_domain and not is_allowed_email(email):
        raise DomainError(
            _(
                "Sign-up is open to %(domains)s addresses only.",
                domains=", ".join("@" + d for d in allowed_email_domains()),
            ),
            field="email",
        )
    if find_user_by_email(email) is not None:
        raise DomainError(_("An account with this email already exists."), field="email")
    user = User(email=email, display_name=display_name, is_admin=is_admin, is_smm=is_smm,
                email_confirmed_at=utcnow() if email_confirmed else None)  # fmt: skip
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, display_name: str, password: str, locale: str) -> User | None:
    """A new account, its confirmation link on its way; None when the address has an account
    already: its owner gets a note instead, and the person signing up sees the same page."""
    existing = find_user_by_email(email)
    if existing is not None:
        # The same work as for a new account, so the answer's timing tells nothing either.
        generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        send_account_exists(existing)
        return None
    user = create_user(email, display_name, password)
    user.locale = locale  # its e-mails speak the language it signed up in
    send_email_confirmation(user)
    return user


def send_account_exists(user: User) -> None:
    """Tell the owner that someone signed up with their address: a sign-in link and a
    password reset link; at most one such note per account and hour."""
    hour = utcnow().strftime("%Y%m%d%H")
    mail.email_user(
        user,
        "account",
        "account_exists",
        dedupe_key=f"account-exists:{user.id}:{hour}",
        signin_link=mail.external_url("accounts.signin"),
        reset_link=mail.external_url("accounts.reset_password", token=password_reset_token(user)),
    )


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; the same work either way."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(
            _dummy_password_hash(current_app.config["PASSWORD_HASH_METHOD"]), password
        )
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def set_new_password(user: User, password: str, action: str) -> None:
    """A new password (changed or reset) signs out every other browser, and the person
    hears of it: if it wasn't them, the e-mail's link starts a reset."""
    user.set_password(password)
    sessions.end_other_sessions(user)
    audit.record(user, action, user)
    mail.email_user(user, "account", "password_changed",
                    link=mail.external_url("accounts.request_password_reset"))  # fmt: skip


def sign_out_everywhere(user: User) -> None:
    """End every session of `user`, this browser's too, and tell them by e-mail."""
    sessions.sign_out_everywhere(user)
    audit.record(user, "account.signed_out_everywhere", user)
    mail.email_user(user, "account", "signed_out_everywhere",
                    link=mail.external_url("accounts.request_password_reset"))  # fmt: skip


def set_site_role(actor: User, user: User, role: str, granted: bool) -> None:
    if role not in SITE_ROLES:
        raise DomainError(_("Unknown role."))
    if role == "admin" and not granted and user.is_admin and count_admins() <= 1:
        raise DomainError(_("The site must keep at least one admin."))
    setattr(user, f"is_{role}", granted)
    audit.record(actor, f"site_role.{'grant' if granted else 'revoke'}", user, role)


def set_active(actor: User, user: User, active: bool) -> None:
    if actor.id == user.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    user.active = active
    if not active:  # and reactivating brings none of them back
        sessions.end_sessions(user)
    audit.record(actor, "account.activate" if active else "account.deactivate", user)


def count_admins() -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(User.is_admin, User.active)
    ).scalar_one()


def account_data(user: User) -> dict:
    """What the site keeps about the account itself (for the person's data download)."""
    return {
        "email": user.email,
        "display_name": user.display_name,
        "roles": [role for role in SITE_ROLES if getattr(user, f"is_{role}")],
        "language": user.locale,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
        "email_confirmed_at": user.email_confirmed_at,
        "has_password": user.password_hash is not None,
        "signed_in_sessions": [
            {"started": row.created_at, "last_seen": row.last_seen_at, "remembered": row.remember}
            for row in sessions.live_sessions(user)
        ],
    }


def _signed_token(purpose: str, user: User, state: str) -> str:
    """A token for `user` that holds while the account's `state` stays as it was signed."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)
    return serializer.dumps({"user": user.id, "state": state})


def _user_for_signed_token(
    purpose: str, token: str, max_age: int, state_of: Callable[[User], str | None]
) -> User | None:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)
    try:
        data = serializer.loads(token, max_age=max_age)
    except BadSignature:  # also covers an expired token
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or state_of(user) != data.get("state"):
        return None
    return user


RESET_SALT = "password-reset"


def _password_state(user: User) -> str:
    return (user.password_hash or "")[-12:]


def password_reset_token(user: User) -> str:
    """A signed token that dies when the password changes or RESET_TOKEN_MAX_AGE passes."""
    return _signed_token(RESET_SALT, user, _password_state(user))


def user_for_reset_token(token: str) -> User | None:
    max_age = current_app.config["RESET_TOKEN_MAX_AGE"]
    return _user_for_signed_token(RESET_SALT, token, max_age, _password_state)


INVALID_RESET_LINK = _l("This reset link is no longer valid. Ask for a new one.")


def reset_password(token: str, password: str) -> User:
    """Set the password from a reset link, once; the link came to the address, which
    proves it. The account is locked and the link checked again under the lock, so two
    uses of one link at once change the password once."""
    user = user_for_reset_token(token)
    if user is None or lock_row(User, user.id) is None or user_for_reset_token(token) is None:
        raise DomainError(str(INVALID_RESET_LINK))
    if not user.email_confirmed:
        user.email_confirmed_at = utcnow()
    set_new_password(user, password, "account.password_reset")
    return user


CONFIRMATION_SALT = "email-confirmation"


def _confirmation_state(user: User) -> str | None:
    # Bound to the address while it waits (hashed: links end up in logs); once the
    # address is confirmed, no link for it works again.
    return None if user.email_confirmed else hashlib.sha256(user.email.encode()).hexdigest()[:16]


def email_confirmation_token(user: User) -> str:
    """A signed token that confirms `user`'s address once, within CONFIRMATION_TOKEN_MAX_AGE."""
    return _signed_token(CONFIRMATION_SALT, user, _confirmation_state(user))


def user_for_confirmation_token(token: str) -> User | None:
    """The account waiting for this link, or None (a bad, expired or used link)."""
    max_age = current_app.config["CONFIRMATION_TOKEN_MAX_AGE"]
    return _user_for_signed_token(CONFIRMATION_SALT, token, max_age, _confirmation_state)


def send_email_confirmation(user: User) -> None:
    """Queue the link that proves the address (with the request's commit)."""
    mail.email_user(
        user,
        "account",
        "email_confirmation",
        token=email_confirmation_token(user),
        hours=current_app.config["CONFIRMATION_TOKEN_MAX_AGE"] // 3600,
    )


def confirm_email(user_id: int) -> User:
    """Mark the address proven, once: two clicks at the same moment welcome the person once."""
    user = lock_row(User, user_id)
    if user is None or user.email_confirmed:
        raise DomainError(_("This address is already confirmed. Sign in."))
    user.email_confirmed_at = utcnow()
    audit.record(user, "account.email_confirmed", user)
    mail.email_user(user, "welcome", "welcome")
    return user
