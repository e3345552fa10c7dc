"""Search routes in the permission matrix."""

from tests.matrix import Case, signed_in


def _query(_world) -> dict:
    return {"q": "project"}


CASES = [
    Case("search.results", "GET", _query, signed_in()),
]


def prepare(world) -> None:
    pass
