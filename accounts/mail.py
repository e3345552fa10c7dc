"""E-mail to people: in their language, only the kinds they want, queued with the request.

People choose what mail they get on one page, the notification settings: that feature
answers through `set_mail_choices` (accounts cannot import it, being below it).
"""

from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from jinja2 import Template

from accounts.models import User
from core.mail import OutgoingEmail, queue_email
from core.mail_html import recipient_zone, render_html
from core.site import external_url, site_context  # noqa: F401  (links in mail: see core/site.py)
from core.text import one_line


@dataclass(frozen=True)
class EmailKind:
    name: str
    label: object  # a lazy string, shown where people choose what mail they get
    optional: bool = True  # False for messages a person cannot do without (password reset)
    # Who can receive it, in the words of the notification settings: "person" (anyone
    # signed in), "leaders" (of a community) or "promotions" (SMM and leaders).
    audience: str = "person"


@dataclass(frozen=True)
class MailChoices:
    """Where a person chooses what mail they get, offered to a higher feature: whether
    `user` wants an optional kind, and the endpoint of the page where they choose."""

    wants: Callable[[User, str], bool]
    settings_endpoint: str
    # The one-click unsubscribe address (RFC 8058) of a person and an optional kind.
    one_click: Callable[[User, str], str] | None = None


_kinds: dict[str, EmailKind] = {}
_followers: list[Callable[[EmailKind], None]] = []
_choices = MailChoices(lambda user, kind: True, "accounts.profile")


def register_email_kind(name: str, label, optional: bool = True, audience: str = "person") -> None:
    """Features declare each kind of e-mail they send; people can turn optional ones off
    where the settings page (`set_mail_choices`) lets them."""
    kind = _kinds.setdefault(name, EmailKind(name, label, optional, audience))
    for follow in _followers:
        follow(kind)


def follow_email_kinds(follow: Callable[[EmailKind], None]) -> None:
    """Call `follow` with every kind registered so far and each one registered later."""
    _followers.append(follow)
    for kind in list(_kinds.values()):
        follow(kind)


def set_mail_choices(
    wants: Callable[[User, str], bool],
    settings_endpoint: str,
    one_click: Callable[[User, str], str] | None = None,
) -> None:
    """The higher feature that keeps people's choices answers for every optional kind."""
    global _choices
    _choices = MailChoices(wants, settings_endpoint, one_click)


def email_kinds() -> list[EmailKind]:
    """The kinds a person can turn off, in the order they were registered."""
    return [kind for kind in _kinds.values() if kind.optional]


def settings_url() -> str:
    """The page where a person chooses what mail they get, on SITE_URL."""
    return external_url(_choices.settings_endpoint)


@dataclass(frozen=True)
class PreparedEmail:
    """A message rendered for its recipient, not queued yet (`queue` does, in the current
    transaction): what `email_user` does in two steps, for a command that renders before
    it takes a lock and queues under it."""

    kind: str
    to: str
    subject: str
    body: str
    html: str
    locale: str
    dedupe_key: str | None
    attachments: tuple[tuple[str, str, bytes], ...]
    list_unsubscribe: str | None
    one_click: bool

    def queue(self) -> OutgoingEmail | None:
        return queue_email(
            self.kind, self.to, self.subject, self.body, html=self.html, locale=self.locale,
            dedupe_key=self.dedupe_key, attachments=self.attachments,
            list_unsubscribe=self.list_unsubscribe, one_click=self.one_click,
        )  # fmt: skip


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
    Every message ends with a link to the settings; one that can be turned off also
    has a List-Unsubscribe header: a one-click link when the settings offer one, else
    the settings page (a security message has none).
    """
    prepared = prepare_email(
        user, kind, template, dedupe_key=dedupe_key, attachments=attachments, **context
    )
    return prepared.queue() if prepared is not None else None


def prepare_email(
    user: User,
    kind: str,
    template: str,
    *,
    dedupe_key: str | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    **context,
) -> PreparedEmail | None:
    """`email_user`'s message, rendered and not queued; None when it would queue none."""
    if kind not in _kinds:
        raise KeyError(f"unknown e-mail kind {kind!r}; register it with register_email_kind()")
    optional = _kinds[kind].optional
    if not user.active or (optional and not _choices.wants(user, kind)):
        return None
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    name = f"email/{template}.txt"
    with site_context(), force_locale(locale), recipient_zone(user):
        rendered = render_template(name, user=user, **context).strip()
        # The subject is what the template's first line makes, rendered alone: a
        # name or a title with a line break in it stays in the subject, on one line,
        # and never becomes the first line of the body.
        subject = _render_subject(name, user=user, **context).strip()
        settings = settings_url()
        html = render_html(
            f"email/{template}.html", user=user, subject=subject, settings_link=settings,
            **context,
        )  # fmt: skip
        footer = f"{_('Choose which e-mails you get')}: {settings}"
        one_click = _choices.one_click(user, kind) if optional and _choices.one_click else None
    body = rendered.removeprefix(subject) if rendered.startswith(subject) else rendered
    return PreparedEmail(
        kind, user.email, one_line(subject), f"{body.strip()}\n\n-- \n{footer}\n", html,
        locale, dedupe_key, tuple(attachments),
        (one_click or settings) if optional else None, one_click is not None,
    )  # fmt: skip


# Each message template's first line compiled as a template of its own, kept beside the
# template Jinja keeps (a changed template, reloaded, is a new key): compiling it for every
# message cost more than the rest of the message.
_subjects: "WeakKeyDictionary[Template, Template]" = WeakKeyDictionary()


def _render_subject(template_name: str, **context) -> str:
    environment = current_app.jinja_env
    template = environment.get_template(template_name)
    subject = _subjects.get(template)
    if subject is None:
        subject = _subjects[template] = environment.from_string(_first_line(template_name))
    current_app.update_template_context(context)  # what render_template_string adds
    return subject.render(context)


def _first_line(template_name: str) -> str:
    """The template's first line, as a template of its own that renders text: Flask
    autoescapes a template made from a string, which would write "Q&A" as "Q&amp;A"."""
    environment = current_app.jinja_env
    source, _, _ = environment.loader.get_source(environment, template_name)
    return "{% autoescape false %}" + source.partition("\n")[0] + "{% endautoescape %}"
