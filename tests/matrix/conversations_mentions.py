"""The names to mention (conversations/mention_views.py): for those who may write there."""

from tests.matrix import Case, only


def _open(world) -> dict:
    return {"slug": world.community.slug, "q": "le"}


def _approval(world) -> dict:
    return {"slug": world.approval_community.slug, "q": "le"}


CASES = [
    Case("conversations.people_to_mention", "GET", _open, only("member", "leader", "admin")),
    Case(
        "conversations.people_to_mention",
        "GET",
        _approval,
        only("leader", "admin"),
        variant="approval",
    ),  # fmt: skip
]


def prepare(world) -> None:
    pass
