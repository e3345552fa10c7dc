"""Telling people: `notify` makes the rows (and e-mail) each person chose; reading and
marking them read; each person's delivery choices."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.text import one_line
from notifications import registry
from notifications.mail import email_at_once
from notifications.models import SUBJECT_LENGTH, Delivery, DeliveryChoice, Notification


@dataclass(frozen=True)
class Link:
    """Where a notification leads: a page of this site by endpoint, or a path."""

    endpoint: str | None = None
    url_args: dict = field(default_factory=dict)
    path: str | None = None


# --- sending ----------------------------------------------------------------------------


def notify(
    recipients: Iterable[User],
    kind: str,
    subject: str,
    link: Link,
    *,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Tell each recipient, the way each chose for `kind`: a row in the app, and an
    e-mail at once when they chose that (the digest mails its rows later).

    With `dedupe_key`, a person is told once however often the same thing is sent
    (a unique index decides between two transactions at once).
    """
    if registry.kind_named(kind) is None:
        raise KeyError(f"unknown notification kind {kind!r}; register it in notifications/kinds")
    people = {person.id: person for person in recipients if person is not None and person.active}
    choices = deliveries_for(list(people), kind)
    subject = one_line(subject)[:SUBJECT_LENGTH]
    made = []
    for person_id, person in people.items():
        delivery = choices[person_id]
        if delivery == Delivery.OFF:
            continue
        notification = Notification(
            recipient=person, kind=kind, subject=subject, endpoint=link.endpoint,
            url_args=dict(link.url_args), path=link.path, dedupe_key=dedupe_key,
            delivery=delivery,
        )  # fmt: skip
        if not _added(notification):
            continue
        made.append(notification)
        if delivery == Delivery.EMAIL_NOW:
            email_at_once(notification)
    return made


def _added(notification: Notification) -> bool:
    if notification.dedupe_key is None:
        db.session.add(notification)
        return True
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        return False
    return True


# --- reading ----------------------------------------------------------------------------


def unread_count(user) -> int:
    """The bell's figure: one small query, once per request."""
    kept = g.setdefault("unread_notifications", {})
    if user.id not in kept:
        kept[user.id] = db.session.execute(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        ).scalar_one()
    return kept[user.id]


def _forget_count(user_id: int) -> None:
    g.pop("unread_notifications", None)


def notifications_query(user):
    """A person's notifications' ids, newest first (for core.paging.page_of_ids)."""
    return (
        select(Notification.id)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notification_of(user, notification_id: int) -> Notification | None:
    """The notification, if it is `user`'s: nobody else's can be opened or even seen."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user.id:
        return None
    return notification


# --- marking read -----------------------------------------------------------------------


def mark_read(user, notification_id: int) -> Notification:
    notification = notification_of(user, notification_id)
    if notification is None:
        raise DomainError(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
        _forget_count(user.id)
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` read; how many there were."""
    marked = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    _forget_count(user.id)
    return marked


# --- delivery choices -------------------------------------------------------------------


def deliveries_for(user_ids: list[int], kind: str) -> dict[int, Delivery]:
    """How each person wants `kind`: their choice, else the kind's default (one query)."""
    default = registry.kind_named(kind).default
    chosen = {}
    if user_ids:
        chosen = dict(
            db.session.execute(
                select(DeliveryChoice.user_id, DeliveryChoice.delivery).where(
                    DeliveryChoice.user_id.in_(user_ids), DeliveryChoice.kind == kind
                )
            ).all()
        )
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def deliveries_of(user) -> dict[str, Delivery]:
    """Every kind `user` can receive, with how they get it."""
    chosen = dict(
        db.session.execute(
            select(DeliveryChoice.kind, DeliveryChoice.delivery).where(
                DeliveryChoice.user_id == user.id
            )
        ).all()
    )
    return {kind.name: chosen.get(kind.name, kind.default) for kind in registry.kinds_for(user)}


def set_deliveries(user, wanted: dict[str, str]) -> None:
    """Save `user`'s choices: kind name → delivery value, for kinds they can receive."""
    offered = {kind.name for kind in registry.kinds_for(user)}
    for name, value in wanted.items():
        if name not in offered:
            raise DomainError(_("Choose a kind of notification from the list."), field=name)
        if value not in Delivery._value2member_map_:
            raise DomainError(_("Choose one of the ways offered."), field=name)
    existing = {
        choice.kind: choice
        for choice in db.session.execute(
            select(DeliveryChoice).where(DeliveryChoice.user_id == user.id)
        ).scalars()
    }
    for name, value in wanted.items():
        choice = existing.get(name) or DeliveryChoice(user_id=user.id, kind=name)
        choice.delivery = Delivery(value)
        db.session.add(choice)
    # Two windows saving a person's first choices at once meet the unique index.
    flush_or_refuse(_("Your settings were just saved elsewhere; please save them again."))
