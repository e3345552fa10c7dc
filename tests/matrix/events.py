"""Event routes in the permission matrix."""

from datetime import timedelta

from core.extensions import db
from events import planning
from events.models import EventVisibility
from tests.matrix import FORBIDDEN, NOT_FOUND, ROLES, Case, no_args, only, signed_in
from tests.test_events_factories import details

LEADERS = ("leader", "admin")
MEMBERS = ("member", "leader", "admin")
NOBODY = dict.fromkeys(ROLES, NOT_FOUND)


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _forged_token(world) -> dict:
    return {"slug": world.community.slug, "token": "forged"}


def _open(world) -> dict:
    return {"event_id": world.objects["event"].id}


def _private(world) -> dict:
    return {"event_id": world.objects["members_event"].id}


def _past(world) -> dict:
    return {"event_id": world.objects["past_event"].id}


def members_only() -> dict:
    """Members-only events answer 404 to signed-in people outside the community."""
    return only(*MEMBERS, otherwise=NOT_FOUND)


def leaders_of_private() -> dict:
    """Leaders' tools of a members-only event: members get 403, outsiders 404."""
    return {**only(*LEADERS, otherwise=NOT_FOUND), "member": FORBIDDEN}


EVENT_FORM = {
    "title": "Retro night",
    "starts_at": "2031-03-01T18:00",
    "ends_at": "2031-03-01T20:00",
    "timezone": "Europe/Kyiv",
    "capacity": "20",
    "visibility": "employees",
}

CASES = [
    Case("events.upcoming", "GET", no_args, signed_in()),
    Case("events.past", "GET", no_args, signed_in()),
    Case("events.create", "GET", _slug, only(*LEADERS)),
    Case("events.create", "POST", _slug, only(*LEADERS), data=EVENT_FORM),
    Case("events.show", "GET", _open, signed_in()),
    Case("events.show", "GET", _private, members_only(), variant="members only"),
    Case("events.edit", "GET", _open, only(*LEADERS)),
    Case("events.edit", "GET", _private, leaders_of_private(), variant="members only"),
    Case("events.edit", "POST", _open, only(*LEADERS), data=EVENT_FORM),
    Case("events.cancel", "POST", _open, only(*LEADERS)),
    Case("events.cancel", "GET", _open, only(*LEADERS)),  # asks first
    Case("events.register", "POST", _open, signed_in()),
    Case("events.register", "POST", _private, members_only(), variant="members only"),
    Case("events.unregister", "POST", _open, signed_in()),
    Case("events.unregister", "POST", _private, members_only(), variant="members only"),
    Case("events.ics", "GET", _open, signed_in()),
    Case("events.ics", "GET", _private, members_only(), variant="members only"),
    Case("events.community_feed", "GET", _slug, signed_in()),
    # Calendar apps cannot sign in: a bad token is refused outright, whoever asks.
    Case("events.community_feed", "GET", _forged_token, NOBODY, variant="forged token"),
    Case("events.reset_feed_link", "GET", _slug, signed_in()),
    Case("events.reset_feed_link", "POST", _slug, signed_in()),
    Case("events.attendees", "GET", _open, only(*LEADERS)),
    Case("events.attendees", "GET", _private, leaders_of_private(), variant="members only"),
    Case("events.attendees_export", "GET", _open, only(*LEADERS)),
    Case("events.attendance", "POST", _past, only(*LEADERS)),
]


def prepare(world) -> None:
    leader = world.users["leader"]
    world.objects["event"] = planning.create_event(leader, world.community, details())
    world.objects["members_event"] = planning.create_event(
        leader,
        world.community,
        details(title="Leaders' circle", visibility=EventVisibility.MEMBERS),
    )
    starts = world.objects["event"].starts_at - timedelta(days=30)
    world.objects["past_event"] = planning.create_event(
        leader, world.community, details(title="Last month's meetup", starts_at=starts)
    )
    db.session.commit()
