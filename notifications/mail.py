"""Notification e-mail: one at once, or the day's digest; in the reader's language, with
links built from SITE_URL (core/site.py) and a List-Unsubscribe header to the settings."""

from urllib.parse import urljoin

from flask import current_app, render_template, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from accounts.models import User
from core.mail import OutgoingEmail, queue_email
from core.mail_html import recipient_zone, render_html
from core.site import external_url, site_context
from core.text import one_line
from notifications import registry
from notifications.models import Notification


def text_of(notification: Notification) -> str:
    """What the notification says, in the current language."""
    kind = registry.kind_named(notification.kind)
    return kind.says(notification.subject) if kind is not None else notification.subject


def target_url(notification: Notification, *, external: bool = False) -> str:
    """Where opening the notification leads (its page, or the list if that page is gone)."""
    if notification.endpoint:
        try:
            return _url(notification.endpoint, external, **(notification.url_args or {}))
        except BuildError:
            pass
    elif _is_local_path(notification.path):
        if external:
            return urljoin(current_app.config["SITE_URL"].rstrip("/") + "/", notification.path[1:])
        return notification.path
    return _url("notifications.index", external)


def _is_local_path(path: str | None) -> bool:
    """A path on this site: "//host" or "/\\host" would lead a browser to another site."""
    return bool(path) and path.startswith("/") and not path.startswith(("//", "/\\"))


def _url(endpoint: str, external: bool, **values) -> str:
    return external_url(endpoint, **values) if external else url_for(endpoint, **values)


def settings_url() -> str:
    return external_url("notifications.settings")


def _locale(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def email_at_once(notification: Notification) -> OutgoingEmail | None:
    """Queue the e-mail for one notification, in the same transaction as its row."""
    user = notification.recipient
    with site_context(), force_locale(_locale(user)), recipient_zone(user):
        subject = text_of(notification)
        context = dict(
            user=user, text=subject, link=target_url(notification, external=True),
            settings_link=settings_url(),
        )  # fmt: skip
        body = render_template("email/notification.txt", **context)
        html = render_html("email/notification.html", subject=subject, **context)
    return _queue(f"notification.{notification.kind}", user, subject, body, html)


def email_digest(user: User, notifications: list[Notification], day) -> OutgoingEmail | None:
    """Queue one person's digest of `notifications` (oldest first)."""
    with site_context(), force_locale(_locale(user)), recipient_zone(user):
        subject = _("Your notifications of %(day)s", day=format_date(day, "long"))
        context = dict(
            user=user, items=[(text_of(n), target_url(n, external=True)) for n in notifications],
            page_link=external_url("notifications.index"), settings_link=settings_url(),
        )  # fmt: skip
        body = render_template("email/notification_digest.txt", **context)
        html = render_html("email/notification_digest.html", subject=subject, **context)
    dedupe = f"digest:{user.id}:{day}"
    return _queue("notification.digest", user, subject, body, html, dedupe=dedupe)


def _queue(kind: str, user: User, subject: str, body: str, html: str, dedupe: str | None = None):
    return queue_email(
        kind[:40], user.email, one_line(subject), body.strip() + "\n", html=html,
        locale=_locale(user), dedupe_key=dedupe, list_unsubscribe=settings_url(),
    )  # fmt: skip
