"""The events part of a person's data download: their registrations."""

from sqlalchemy import select

from accounts.models import User
from accounts.views import register_personal_data
from core.extensions import db
from events.models import Event, Registration


def registrations_of(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Registration, Event)
        .join(Registration.event)
        .where(Registration.user_id == user.id)
        .order_by(Registration.created_at, Registration.id)
    ).all()
    return [
        {
            "event": event.title,
            "starts_at": event.starts_at,
            "status": registration.status.value,
            "attended": registration.attended,
            "registered_at": registration.created_at,
            "last_asked_for_a_seat_at": registration.requested_at,
        }
        for registration, event in rows
    ]


register_personal_data("event_registrations", registrations_of)
