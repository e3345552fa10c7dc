"""Who may do what with accounts."""

from core.permissions import is_signed_in, rule


@rule("account.view_profile")
def _can_view_profile(user, _obj) -> bool:
    return is_signed_in(user)


@rule("people.view")
def _can_view_people(user, _obj) -> bool:
    # Profiles are for colleagues: employees who are signed in.
    return is_signed_in(user)
