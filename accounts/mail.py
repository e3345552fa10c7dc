"""E-mail to people: in their language, only the kinds they want, queued with the request."""

from dataclasses import dataclass

from flask import current_app, g, render_template, render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from accounts.models import EmailPreference, User
from core.extensions import db
from core.mail import OutgoingEmail, queue_email
from core.mail_html import recipient_zone, render_html
from core.site import external_url, site_context  # noqa: F401  (links in mail: see core/site.py)
from core.text import one_line


@dataclass(frozen=True)
class EmailKind:
    name: str
    label: object  # a lazy string, shown on the profile's e-mail settings
    optional: bool = True  # False for messages a person cannot do without (password reset)


_kinds: dict[str, EmailKind] = {}


def register_email_kind(name: str, label, optional: bool = True) -> None:
    """Features declare each kind of e-mail they send; people can turn optional ones off."""
    _kinds.setdefault(name, EmailKind(name, label, optional))


def email_kinds() -> list[EmailKind]:
    """The kinds a person can choose, for the settings form."""
    return sorted((kind for kind in _kinds.values() if kind.optional), key=lambda k: k.name)


def wanted_kinds(user: User) -> set[str]:
    """The kinds of e-mail `user` gets; read once per request (or CLI run) and person."""
    kept = g.setdefault("wanted_kinds", {})
    if user.id not in kept:
        turned_off = set(
            db.session.execute(
                select(EmailPreference.kind).where(
                    EmailPreference.user_id == user.id, EmailPreference.enabled.is_(False)
                )
            ).scalars()
        )
        required = {kind.name for kind in _kinds.values() if not kind.optional}
        kept[user.id] = required | ({kind.name for kind in email_kinds()} - turned_off)
    return kept[user.id]


def set_wanted_kinds(user: User, wanted: set[str]) -> None:
    g.pop("wanted_kinds", None)
    existing = {
        p.kind: p
        for p in db.session.execute(
            select(EmailPreference).where(EmailPreference.user_id == user.id)
        ).scalars()
    }
    for kind in email_kinds():
        preference = existing.get(kind.name) or EmailPreference(user_id=user.id, kind=kind.name)
        preference.enabled = kind.name in wanted
        db.session.add(preference)


def email_user(
    user: User,
    kind: str,
    template: str,
    *,
    dedupe_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    **context,
) -> OutgoingEmail | None:
    """Queue the e-mail `template` for `user`: templates/email/<template>.txt is its
    text, and <template>.html (extending email/base.html) its HTML part.

    The first line of the rendered template is the subject. Nothing is queued
    when the person turned this kind off, or is deactivated. Links in it, and any
    passed in, come from `external_url()`: SITE_URL, never the request's Host.
    """
    if kind not in _kinds:
        raise KeyError(f"unknown e-mail kind {kind!r}; register it with register_email_kind()")
    if not user.active or kind not in wanted_kinds(user):
        return None
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    name = f"email/{template}.txt"
    with site_context(), force_locale(locale), recipient_zone(user):
        rendered = render_template(name, user=user, **context).strip()
        # The subject is what the template's first line makes, rendered alone: a
        # name or a title with a line break in it stays in the subject, on one line,
        # and never becomes the first line of the body.
        subject = render_template_string(_first_line(name), user=user, **context).strip()
        html = render_html(
            f"email/{template}.html", user=user, subject=subject,
            settings_link=external_url("accounts.profile"), **context,
        )  # fmt: skip
    body = rendered.removeprefix(subject) if rendered.startswith(subject) else rendered
    return queue_email(
        kind, user.email, one_line(subject), body.strip() + "\n", html=html,
        locale=locale, dedupe_key=dedupe_key, attachments=attachments,
    )  # fmt: skip


def _first_line(template_name: str) -> str:
    """The template's first line, as a template of its own that renders text: Flask
    autoescapes a template made from a string, which would write "Q&A" as "Q&amp;A"."""
    environment = current_app.jinja_env
    source, _, _ = environment.loader.get_source(environment, template_name)
    return "{% autoescape false %}" + source.partition("\n")[0] + "{% endautoescape %}"
