"""The HTML part of an e-mail: templates/email/<name>.html, each extending email/base.html.

Rendered beside the plain text, in the recipient's language (the caller's
`force_locale`) and time zone (`recipient_zone`), with Jinja's autoescape on (the
templates end in .html), so whatever people wrote reaches the mail client as text.
"""

from contextlib import contextmanager

from flask import g, render_template
from flask_babel import get_babel, get_locale
from flask_babel import get_timezone as babel_zone
from pytz import timezone as zone_named

from core.text import one_line
from core.zones import is_time_zone


@contextmanager
def recipient_zone(user):
    """Dates rendered inside it are in `user`'s time zone (the site's when they chose
    none), never in the zone of whoever's request queued the message."""
    babel_zone()  # makes sure Flask-Babel's per-request namespace exists
    context = g._flask_babel
    kept = getattr(context, "babel_tzinfo", None)
    chosen = getattr(user, "time_zone", None)  # the person's setting (accounts/profiles.py)
    context.babel_tzinfo = (
        zone_named(chosen) if is_time_zone(chosen) else get_babel().instance.default_timezone
    )
    try:
        yield
    finally:
        context.babel_tzinfo = kept


def render_html(template: str, *, user, subject: str, settings_link: str, **context) -> str:
    """The HTML part of the message `template` (a name like "email/welcome.html")."""
    return render_template(
        template, user=user, subject=one_line(subject), lang=str(get_locale()).replace("_", "-"),
        settings_link=settings_link, **context,
    )  # fmt: skip
