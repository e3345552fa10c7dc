"""The notifications part of a person's data download: what they were told, and their choices."""

from sqlalchemy import select

from accounts.models import User
from accounts.views import register_personal_data
from core.extensions import db
from notifications import registry
from notifications.models import DeliveryChoice, Notification


def notifications_of(user: User) -> list[dict]:
    # A leader's notification names the person who asked to join: that is the other
    # person's data, so only notifications about the person themself keep their subject.
    about_them = {kind.name for kind in registry.kinds() if kind.audience == registry.PERSON}
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )
    return [
        {
            "kind": notification.kind,
            "subject": notification.subject if notification.kind in about_them else None,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }
        for notification in rows
    ]


def delivery_choices_of(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(DeliveryChoice)
        .where(DeliveryChoice.user_id == user.id)
        .order_by(DeliveryChoice.kind)
    )
    return [{"kind": choice.kind, "delivery": choice.delivery.value} for choice in rows]


register_personal_data("site_notifications", notifications_of)
register_personal_data("notification_settings", delivery_choices_of)
