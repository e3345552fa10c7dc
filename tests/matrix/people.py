"""People routes (profiles, avatars, profile settings) in the permission matrix."""

from tests.matrix import LOGIN, NOT_FOUND, ROLES, Case, no_args, only, signed_in, with_bad_form

# Signed-in people are let in, then find nothing; visitors are sent to sign in.
NOBODY_THERE = {**dict.fromkeys(ROLES, NOT_FOUND), "visitor": LOGIN}

CASES = [
    Case("accounts.person", "GET", lambda w: {"user_id": w.users["member"].id}, signed_in()),
    Case("accounts.person", "GET", lambda w: {"user_id": 987654}, NOBODY_THERE, variant="unknown"),
    Case(
        "accounts.person",
        "GET",
        lambda w: {"user_id": w.objects["deactivated"].id},
        NOBODY_THERE,
        variant="deactivated",
    ),
    # The member has no avatar: the initials are on the page instead.
    Case("accounts.avatar", "GET", lambda w: {"user_id": w.users["member"].id}, NOBODY_THERE),
    Case("accounts.save_profile", "POST", no_args, with_bad_form(signed_in())),
    Case("accounts.upload_avatar", "POST", no_args, with_bad_form(signed_in())),
    Case("accounts.remove_avatar", "POST", no_args, signed_in()),
    Case("accounts.remove_avatar", "GET", no_args, signed_in()),  # asks first
    Case(
        "accounts.browser_time_zone",
        "POST",
        no_args,
        signed_in(),
        data={"time_zone": "Europe/Kyiv"},
    ),  # fmt: skip
    Case(
        "accounts.hide_avatar",
        "POST",
        lambda w: {"user_id": w.users["member"].id},
        only("admin"),
        data={"hidden": "1"},
    ),
]


def prepare(world) -> None:
    from accounts.models import User
    from core.extensions import db
    from tests.conftest import make_user

    gone = make_user("gone@example.com", "Gone Person")
    db.session.get(User, gone.id).active = False
    db.session.commit()
    world.objects["deactivated"] = gone
