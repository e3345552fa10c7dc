"""The e-mail other features send themselves (event confirmations, the weekly digest, …)
chosen on the same settings page as notifications: one place for what mail a person gets.

Each optional kind from `accounts.mail.register_email_kind` becomes an e-mail-only kind
here ("By e-mail" or "Off"), and `accounts.mail.email_user` asks `wants_email` before it
queues one. Security messages (password reset, confirmation, session warnings) are not
optional, so they are never offered and always sent.
"""

from flask import g
from sqlalchemy import select

from accounts import mail
from core.extensions import db
from notifications import registry
from notifications.models import Delivery, DeliveryChoice
from notifications.unsubscribe import one_click_url


def _offer(kind: mail.EmailKind) -> None:
    if kind.optional:
        registry.register(registry.Kind(
            kind.name, kind.label, kind.label, Delivery.EMAIL_NOW, kind.audience,
            email_only=True,
        ))  # fmt: skip


def wants_email(user, kind: str) -> bool:
    """Whether `user` gets the e-mail `kind`: not unless they turned it off. Their choices
    are read once per request (or CLI run) and person."""
    kept = g.setdefault("email_choices", {})
    if user.id not in kept:
        kept[user.id] = dict(
            db.session.execute(
                select(DeliveryChoice.kind, DeliveryChoice.delivery).where(
                    DeliveryChoice.user_id == user.id
                )
            ).all()
        )
    return kept[user.id].get(kind, Delivery.EMAIL_NOW) != Delivery.OFF


def forget_choices() -> None:
    """After a person saves their settings: the next e-mail reads them afresh."""
    g.pop("email_choices", None)


def connect() -> None:
    mail.follow_email_kinds(_offer)
    mail.set_mail_choices(
        wants_email, "notifications.settings", lambda user, kind: one_click_url(user.id, kind)
    )
