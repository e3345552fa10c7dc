"""Notification e-mail: one at once, or the day's digest; in the reader's language, with
links built from SITE_URL (core/site.py) and a List-Unsubscribe header to the settings."""

from email.utils import make_msgid, parseaddr
from types import SimpleNamespace
from urllib.parse import urljoin

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.routing import BuildError

from accounts.models import User
from core.dates import day_of
from core.extensions import db
from core.mail import OutgoingEmail, queue_email
from core.mail_html import recipient_zone, render_html
from core.security import is_safe_redirect_target
from core.site import external_url, site_context
from core.text import one_line
from notifications import registry
from notifications.models import Notification
from notifications.unsubscribe import one_click_url


def text_of(notification: Notification) -> str:
    """What the notification says, in the current language."""
    kind = registry.kind_named(notification.kind)
    if kind is None:
        return notification.subject
    return kind.says(kind.subject_of(notification.params, notification.subject))


def target_url(notification: Notification, *, external: bool = False) -> str:
    """Where opening the notification leads (its page, or the list if that page is gone)."""
    if notification.endpoint:
        try:
            return _url(notification.endpoint, external, **(notification.url_args or {}))
        except BuildError:
            pass  # the page is gone: its path, when it has one, else the list
    if is_safe_redirect_target(notification.path):
        if external:
            return urljoin(current_app.config["SITE_URL"].rstrip("/") + "/", notification.path[1:])
        return notification.path
    return _url("notifications.index", external)


def _url(endpoint: str, external: bool, **values) -> str:
    return external_url(endpoint, **values) if external else url_for(endpoint, **values)


def settings_url() -> str:
    return external_url("notifications.settings")


def locale_of(user) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def email_at_once(notification: Notification, details=None) -> OutgoingEmail | None:
    """Queue the e-mail for one notification, in the same transaction as its row;
    `details` (a function) gives the parts it adds below its sentence."""
    user = notification.recipient
    with site_context(), force_locale(locale_of(user)), recipient_zone(user):
        subject = text_of(notification)
        context = dict(
            user=user, text=subject, link=target_url(notification, external=True),
            settings_link=settings_url(), details=details() if details else [],
        )  # fmt: skip
        body = render_template("email/notification.txt", **context)
        html = render_html("email/notification.html", subject=subject, **context)
    return _queue(f"notification.{notification.kind}", user, subject, body, html,
                  one_click=one_click_url(user.id, notification.kind))  # fmt: skip


# Stands for the recipient's name in a message rendered once for many people.
_NAME_MARK = "\u2063recipient-name\u2063"


def queue_emails_at_once(kind: str, people, subjects: dict[str, str], link) -> int:
    """Queue the e-mail of one notification for many people in bulk INSERTs: the message is
    rendered once per language, and each person's name put in (`people`: rows with id,
    email, display_name and locale; `subjects`: the notification's subject per language)."""
    if not people:
        return 0
    kept: dict[str, tuple[str, str, str]] = {}
    with site_context():
        where = SimpleNamespace(endpoint=link.endpoint, url_args=link.url_args, path=link.path)
        url = target_url(where, external=True)
        settings = settings_url()
        for locale in {locale_of(person) for person in people}:
            with force_locale(locale):
                subject = str(registry.kind_named(kind).says(subjects[locale]))
                stand_in = SimpleNamespace(display_name=_NAME_MARK, timezone=None)
                context = dict(user=stand_in, text=subject, link=url, settings_link=settings)
                body = render_template("email/notification.txt", **context)
                html = render_html("email/notification.html", subject=subject, **context)
            kept[locale] = (one_line(subject), body.strip() + "\n", html)
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "guildhall.local"
    rows = []
    for person in people:
        locale = locale_of(person)
        subject, body, html = kept[locale]
        rows.append({
            "kind": f"notification.{kind}"[:40], "to_address": person.email,
            "subject": subject, "text_body": body.replace(_NAME_MARK, person.display_name),
            "html_body": html.replace(_NAME_MARK, str(escape(person.display_name))),
            "locale": locale, "message_id": make_msgid(domain=domain),
            # One click turns this kind off, as for a single notification's e-mail.
            "list_unsubscribe": one_click_url(person.id, kind), "list_unsubscribe_post": True,
        })  # fmt: skip
    db.session.execute(OutgoingEmail.__table__.insert(), rows)
    return len(rows)


def email_digest(user: User, notifications: list[Notification], day) -> OutgoingEmail | None:
    """Queue one person's digest of `notifications` (oldest first)."""
    with site_context(), force_locale(locale_of(user)), recipient_zone(user):
        subject = _("Your notifications of %(day)s", day=day_of(day))
        context = dict(
            user=user, items=[(text_of(n), target_url(n, external=True)) for n in notifications],
            page_link=external_url("notifications.index"), settings_link=settings_url(),
        )  # fmt: skip
        body = render_template("email/notification_digest.txt", **context)
        html = render_html("email/notification_digest.html", subject=subject, **context)
    dedupe = f"digest:{user.id}:{day}"
    return _queue("notification.digest", user, subject, body, html, dedupe=dedupe)


def _queue(kind: str, user: User, subject: str, body: str, html: str,
           dedupe: str | None = None, one_click: str | None = None):  # fmt: skip
    """A digest (many kinds at once) names the settings; one notification, its one-click link."""
    return queue_email(
        kind[:40], user.email, one_line(subject), body.strip() + "\n", html=html,
        locale=locale_of(user), dedupe_key=dedupe, list_unsubscribe=one_click or settings_url(),
        one_click=one_click is not None,
    )  # fmt: skip
