"""Account routes in the permission matrix."""

from accounts import services
from core.extensions import db
from core.mail import queue_email
from tests.matrix import (
    NOT_FOUND,
    ROLES,
    Case,
    everyone,
    no_args,
    only,
    signed_in,
    with_bad_form,
)

SSO_OFF = dict.fromkeys(ROLES, NOT_FOUND)  # the matrix app has no OIDC_ISSUER

CASES = [
    Case("core.index", "GET", no_args, everyone()),
    Case("core.home", "GET", no_args, signed_in()),
    Case("core.favicon", "GET", no_args, everyone()),
    # Where the "Admin" menu leads without scripts.
    Case("core.admin", "GET", no_args, only("admin")),
    Case("core.set_language", "POST", no_args, everyone(), data={"language": "uk"}),
    Case("accounts.signup", "GET", no_args, everyone()),
    Case("accounts.signup", "POST", no_args, with_bad_form(everyone(), "visitor")),
    Case("accounts.signin", "GET", no_args, everyone()),
    Case("accounts.signin", "POST", no_args, with_bad_form(everyone(), "visitor")),
    Case("accounts.signout", "POST", no_args, everyone()),
    Case("accounts.change_password", "POST", no_args, with_bad_form(signed_in())),
    Case("accounts.signout_everywhere", "POST", no_args, signed_in()),
    Case("accounts.request_password_reset", "GET", no_args, everyone()),
    Case("accounts.request_password_reset", "POST", no_args, with_bad_form(everyone())),
    Case("accounts.reset_password", "GET", lambda w: {"token": "not-a-token"}, everyone()),
    Case("accounts.reset_password", "POST", lambda w: {"token": "not-a-token"}, everyone()),
    Case("accounts.check_inbox", "GET", no_args, signed_in()),  # a visitor without a sign-up
    Case("accounts.resend_confirmation", "POST", no_args, signed_in()),
    Case(
        "accounts.confirm_email", "GET", lambda w: {"token": w.objects["confirmation"]}, everyone()
    ),  # fmt: skip
    # This browser did not sign up: the page asks for the account's password (400).
    Case(
        "accounts.confirm_email",
        "POST",
        lambda w: {"token": w.objects["confirmation"]},
        with_bad_form(everyone()),
    ),  # fmt: skip
    Case("accounts.sso_start", "GET", no_args, SSO_OFF),
    Case("accounts.sso_callback", "GET", no_args, SSO_OFF),
    Case("accounts.profile", "GET", no_args, signed_in()),
    Case("accounts.download_my_data", "GET", no_args, signed_in()),
    Case("accounts.people", "GET", no_args, only("admin")),
    Case("accounts.audit_log", "GET", no_args, only("admin")),
    Case("accounts.outbox", "GET", no_args, only("admin")),
    Case(
        "accounts.outbox_message",
        "GET",
        lambda w: {"email_id": w.objects["email"].id},
        only("admin"),
    ),
    Case(
        "accounts.change_site_role",
        "POST",
        lambda w: {"user_id": w.users["employee"].id},
        only("admin"),
        data={"role": "smm", "granted": "1"},
    ),
    Case(
        "accounts.change_site_role",
        "GET",  # asks first for making an admin or deactivating; nothing to ask without a role
        lambda w: {"user_id": w.users["employee"].id},
        with_bad_form(only("admin")),
    ),
]


def prepare(world) -> None:
    world.objects["email"] = queue_email("test", "a@example.com", "Hello", "Body")
    waiting = services.create_user("waiting@example.com", "Wendy Waiting", "a long password")
    world.objects["confirmation"] = services.email_confirmation_token(waiting)
    db.session.commit()
