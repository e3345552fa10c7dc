"""Account routes in the permission matrix."""

from tests.matrix import Case, everyone, no_args, only, signed_in

CASES = [
    Case("core.index", "GET", no_args, everyone()),
    Case("accounts.signup", "GET", no_args, everyone()),
    Case("accounts.signup", "POST", no_args, everyone()),
    Case("accounts.signin", "GET", no_args, everyone()),
    Case("accounts.signin", "POST", no_args, everyone()),
    Case("accounts.signout", "POST", no_args, everyone()),
    Case("accounts.profile", "GET", no_args, signed_in()),
    Case("accounts.people", "GET", no_args, only("admin")),
    Case(
        "accounts.change_site_role",
        "POST",
        lambda w: {"user_id": w.users["employee"].id},
        only("admin"),
        data={"role": "smm", "granted": "1"},
    ),
]


def prepare(world) -> None:
    pass
