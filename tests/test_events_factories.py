"""Test data for events, built through the services (no tests in this module)."""

from datetime import timedelta

from core.extensions import db
from core.models import utcnow
from events import planning, registering
from events.models import EventVisibility
from events.planning import EventDetails


def details(**overrides) -> EventDetails:
    starts = overrides.pop("starts_at", None) or utcnow().replace(microsecond=0) + timedelta(days=7)
    values = {
        "title": "Leadership book club",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "timezone": "Europe/Kyiv",
        "description": "We discuss *Turn the Ship Around*.",
        "place": "Room 4.02",
        "capacity": 10,
        "registration_goal": 8,
        "visibility": EventVisibility.EMPLOYEES,
    }
    values.update(overrides)
    return EventDetails(**values)


def make_event(leader, community, **overrides):
    event = planning.create_event(leader, community, details(**overrides))
    db.session.commit()
    return event


def make_past_event(leader, community, days_ago: int = 3, **overrides):
    """An event that took place; registrations happened before it started."""
    starts = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    return make_event(leader, community, starts_at=starts, **overrides)


def register(user, event, **kwargs):
    registration = registering.register_for_event(user, event.id, **kwargs)
    db.session.commit()
    return registration
