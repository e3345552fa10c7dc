"""The permission matrix: every route × every role, and the answer each must get.

Each feature lists its routes in a module here (`CASES`), and may add the
objects its routes need to the shared world (`prepare(world)`). A route that
is in the app but not in the matrix fails tests/test_permission_matrix.py.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ALLOWED = "allowed"  # a success or a redirect (2xx/3xx), but not to sign in
LOGIN = "login"  # redirected to sign in
BAD_FORM = 400  # let in, but the form the matrix sends (usually none) is refused
FORBIDDEN = 403
NOT_FOUND = 404

ROLES = ("visitor", "employee", "member", "leader", "smm", "admin")


def everyone() -> dict:
    return dict.fromkeys(ROLES, ALLOWED)


def signed_in() -> dict:
    return {**dict.fromkeys(ROLES, ALLOWED), "visitor": LOGIN}


def only(*roles: str, otherwise=FORBIDDEN) -> dict:
    """Allowed for `roles`; the other signed-in roles get `otherwise`."""
    return {
        role: ALLOWED if role in roles else LOGIN if role == "visitor" else otherwise
        for role in ROLES
    }


def with_bad_form(expect: dict, *roles: str) -> dict:
    """`expect` with its allowed `roles` (every allowed role if none are named) answered 400.

    Such a role gets past the permission checks and its (empty) form is refused, which the
    matrix tells apart from both "allowed" and a refusal.
    """
    return {
        role: BAD_FORM if answer == ALLOWED and (not roles or role in roles) else answer
        for role, answer in expect.items()
    }


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url_args: Callable  # world -> dict of URL arguments
    expect: dict
    data: dict = field(default_factory=dict)
    variant: str = ""  # tells apart two cases of one route (e.g. an archived community)

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{'[' + self.variant + ']' if self.variant else ''}"


def no_args(_world) -> dict:
    return {}


def feature_modules() -> list:
    """Every feature's matrix module (tests/matrix/<feature>.py)."""
    import importlib
    import pkgutil

    package = importlib.import_module(__name__)
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def all_cases() -> list[Case]:
    return [case for module in feature_modules() for case in module.CASES]


def build_matrix_world():
    """The shared world with every feature's objects added."""
    from tests.conftest import build_world

    world = build_world()
    for module in feature_modules():
        module.prepare(world)
    return world
