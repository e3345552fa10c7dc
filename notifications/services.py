"""Telling people: `notify` makes the rows (and e-mail) each person chose; reading and
marking them read; each person's delivery choices."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from flask import g
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core import figures
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.text import one_line
from notifications import registry
from notifications.mail import email_at_once, locale_of, queue_emails_at_once
from notifications.mail_choices import forget_choices
from notifications.models import SUBJECT_LENGTH, Delivery, DeliveryChoice, Notification


@dataclass(frozen=True)
class Detail:
    """A part of an at-once e-mail beyond its one sentence: a heading, and the text (and
    optional HTML, already sanitised) beneath it, in the reader's language and zone."""

    heading: object  # a lazy string
    text: str
    html: Markup | None = None


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
    details: Callable[[], list[Detail]] | None = None,
) -> list[Notification]:
    """Tell each recipient, the way each chose for `kind`: a row in the app, and an
    e-mail at once when they chose that (the digest mails its rows later).

    With `dedupe_key`, a person is told once however often the same thing is sent
    (a unique index decides between two transactions at once). `details` makes the
    parts an at-once e-mail adds (called in each reader's language and time zone).
    """
    known = registry.kind_named(kind)
    if known is None or known.email_only:
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
            email_at_once(notification, details)
    return made


def notify_many(
    kind: str,
    recipient_ids: Iterable[int] | Select,
    subject: str | Callable[[], str],
    link: Link,
    *,
    dedupe_key: str | None = None,
    params: dict | None = None,
) -> set[int]:
    """`notify` for many people at once (an announcement to every member): a fixed number
    of statements whatever their number, and no lock or savepoint per person.

    One query reads the active recipients with their delivery choice for `kind`; the
    notifications go in with bulk INSERTs that skip a `dedupe_key` a person already has
    (so a signal sent twice, or two transactions at once, tell once), and the e-mails of
    those who chose "E-mail at once" are queued the same way. `recipient_ids` is a list
    of ids or a SELECT of them. `subject` may be a function, called once in each
    recipient language (for words such as an idea's status). With `params` (for a kind
    with `subject_from`), the rows keep them and are worded afresh in the reader's
    language whenever shown or mailed. The ids of those told.
    """
    registered = registry.kind_named(kind)
    if registered is None:
        raise KeyError(f"unknown notification kind {kind!r}; register it in notifications/kinds")
    if not isinstance(recipient_ids, Select):
        recipient_ids = sorted({int(person_id) for person_id in recipient_ids})
        if not recipient_ids:
            return set()
    people = db.session.execute(
        select(User.id, User.email, User.display_name, User.locale, DeliveryChoice.delivery)
        .outerjoin(DeliveryChoice, and_(DeliveryChoice.user_id == User.id,
                                        DeliveryChoice.kind == kind))
        .where(User.id.in_(recipient_ids), User.active)
        .order_by(User.id)
    ).all()  # fmt: skip
    # Without a choice of their own, a person gets the kind's default.
    chosen = {person.id: person.delivery or registered.default for person in people}
    wanted = [person for person in people if chosen[person.id] != Delivery.OFF]
    if not wanted:
        return set()
    if params is not None and registered.subject_from is not None:
        subject = partial(registered.subject_from, params)
    subjects = _subjects_by_locale(subject, {locale_of(person) for person in wanted})
    table = Notification.__table__
    rows = [
        {
            "recipient_id": person.id,
            "kind": kind,
            "subject": subjects[locale_of(person)],
            "params": params,
            "endpoint": link.endpoint,
            "url_args": dict(link.url_args),
            "path": link.path,
            "dedupe_key": dedupe_key,
            "delivery": chosen[person.id],
            "created_at": utcnow(),
        }
        for person in wanted
    ]
    told = set(
        db.session.execute(
            _insert_skipping_duplicates(table).returning(table.c.recipient_id), rows
        ).scalars()
    )
    figures.changed("inbox", told)  # a Core INSERT: the ORM does not see its rows
    mailed = [p for p in wanted if p.id in told and chosen[p.id] == Delivery.EMAIL_NOW]
    queue_emails_at_once(kind, mailed, subjects, link)
    _forget_count(None)
    return told


def _subjects_by_locale(subject, locales: set[str]) -> dict[str, str]:
    """The subject in each language, cut to one line of the stored length."""
    texts = {}
    for locale in locales:
        if callable(subject):
            with force_locale(locale):
                texts[locale] = one_line(str(subject()))[:SUBJECT_LENGTH]
        else:
            texts[locale] = one_line(subject)[:SUBJECT_LENGTH]
    return texts


def _insert_skipping_duplicates(table):
    """INSERT … ON CONFLICT (recipient, dedupe key) DO NOTHING, in the database's dialect."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=["recipient_id", "dedupe_key"])


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


# The bell is on every page: its count is kept until one of the person's notifications
# changes (a bulk insert of many people's says so itself: `figures.changed`).
figures.watch(Notification, "inbox", "recipient_id")


def unread_count(user) -> int:
    """The bell's figure: kept (core/figures.py), and asked once per request."""
    kept = g.setdefault("unread_notifications", {})
    if user.id not in kept:
        kept[user.id] = figures.kept("inbox", user.id, "unread", lambda: _count_unread(user.id))
    return kept[user.id]


def _count_unread(user_id: int) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
    ).scalar_one()


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


def newest_id(user) -> int | None:
    """The id of `user`'s newest notification: where "Mark all as read" stops."""
    return db.session.execute(
        select(func.max(Notification.id)).where(Notification.recipient_id == user.id)
    ).scalar_one()


def mark_all_read(user, up_to: int | None = None) -> int:
    """Mark every unread notification of `user` read, up to the id `up_to` (the newest the
    page showed: one that came after stays unread); how many there were."""
    unread = [Notification.recipient_id == user.id, Notification.read_at.is_(None)]
    if up_to is not None:
        unread.append(Notification.id <= up_to)
    marked = db.session.execute(
        update(Notification)
        .where(*unread)
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False, **figures.only_scopes("inbox", [user.id]))
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


def turn_off(user_id: int, kind: str) -> None:
    """One-click unsubscribe: the person gets `kind` no more (their other choices stay)."""
    choice = db.session.execute(
        select(DeliveryChoice).where(DeliveryChoice.user_id == user_id, DeliveryChoice.kind == kind)
    ).scalar_one_or_none()
    if choice is None:
        choice = DeliveryChoice(user_id=user_id, kind=kind)
        db.session.add(choice)
    choice.delivery = Delivery.OFF
    forget_choices()
    flush_or_refuse(_("Your settings were just saved elsewhere; please try again."))


def set_deliveries(user, wanted: dict[str, str]) -> None:
    """Save `user`'s choices: kind name → delivery value, for kinds they can receive."""
    offered = {kind.name: kind for kind in registry.kinds_for(user)}
    for name, value in wanted.items():
        if name not in offered:
            raise DomainError(_("Choose a kind of notification from the list."), field=name)
        if value not in {delivery.value for delivery in offered[name].deliveries}:
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
    forget_choices()
    # Two windows saving a person's first choices at once meet the unique index.
    flush_or_refuse(_("Your settings were just saved elsewhere; please save them again."))
