"""Notification routes in the permission matrix: everyone has their own; nobody opens another's."""

from core.extensions import db
from notifications import services
from notifications.kinds import REQUEST_APPROVED
from notifications.unsubscribe import read_token
from tests.matrix import NOT_FOUND, Case, everyone, no_args, only, signed_in


def _members_notification(world) -> dict:
    return {"notification_id": world.objects["notification"].id}


def _members_unsubscribe_link(world) -> dict:
    """The member's one-click link for event e-mail: the link, not the session, decides."""
    from notifications.unsubscribe import _serializer

    token = _serializer().dumps([world.users["member"].id, "events"])
    assert read_token(token) is not None
    return {"token": token}


CASES = [
    Case("notifications.index", "GET", no_args, signed_in()),
    Case("notifications.mark_all_read", "POST", no_args, signed_in()),
    Case("notifications.settings", "GET", no_args, signed_in()),
    Case("notifications.settings", "POST", no_args, signed_in()),
    Case("notifications.unsubscribe_link", "GET", _members_unsubscribe_link, everyone()),
    Case("notifications.unsubscribe_link", "POST", _members_unsubscribe_link, everyone()),
    Case(
        "notifications.open_notification",
        "POST",
        _members_notification,
        only("member", otherwise=NOT_FOUND),
    ),  # fmt: skip
]


def prepare(world) -> None:
    [world.objects["notification"]] = services.notify(
        [world.users["member"]], REQUEST_APPROVED.name, world.community.name,
        services.Link("community.show", {"slug": world.community.slug}),
    )  # fmt: skip
    db.session.commit()
