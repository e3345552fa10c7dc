"""The site's header, kept by what it shows: the same menus, name and count render the
same HTML, and a signed-in page spent more than a millisecond rendering it again.

`header_inputs` reads everything templates/_header.html shows for this request; the
HTML is kept under that key, so a change to any of it (a new name, a role, one more
unread notification, another language) is another key, and nothing kept can be stale
or another person's: their id is part of the key. The one part that differs from
request to request, the sign-out form's CSRF token, is put in after.
"""

import threading
from collections import OrderedDict

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from core.navigation import admin_items, nav_items
from core.permissions import can

KEPT = 1024  # headers per process, the least recently used dropped first
# Stands for the token in the kept HTML. Its "<" cannot come from anything a person
# typed (their text is escaped to "&lt;"), so no name or search can hold it.
CSRF_SLOT = Markup("<csrf-token>")
# Pages the header marks as the current one besides the menus' own: the bell's, and
# the search box's, which shows the words searched for.
MARKED = ("notifications.index", "search.results")
_lock = threading.Lock()  # threads of one process share the kept headers


def header_inputs() -> tuple:
    """Everything the header shows for this request, as a key."""
    user = current_user._get_current_object()
    signed_in = user.is_authenticated  # what the template asks
    menus = [*nav_items(), *admin_items()]
    marked = {item.endpoint for item in menus} | set(MARKED)
    endpoint = request.endpoint if request.endpoint in marked else None
    searched = request.args.get("q", "") if endpoint == "search.results" else ""
    unread = current_app.jinja_env.globals["unread_notifications"]() if signed_in else 0
    return (
        str(get_locale()), request.script_root, endpoint, searched,
        signed_in and (user.id, user.display_name),
        tuple((item.endpoint, can(user, item.action)) for item in menus),
        unread,
    )  # fmt: skip


def site_header() -> Markup:
    if current_app.jinja_env.auto_reload:  # `make run`: an edited template shows at once
        return Markup(render_template("_header.html", csrf_slot=generate_csrf()))
    kept: OrderedDict = current_app.extensions["site_header"]
    key = header_inputs()
    with _lock:
        html = kept.get(key)
        if html is not None:
            kept.move_to_end(key)
    if html is None:
        html = render_template("_header.html", csrf_slot=CSRF_SLOT)
        if not key[3]:  # a search's words would push everyone's headers out: not kept
            with _lock:
                kept[key] = html
                if len(kept) > KEPT:
                    kept.popitem(last=False)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, generate_csrf())
    return Markup(html)


def register_site_header(app: Flask) -> None:
    app.extensions["site_header"] = OrderedDict()
    app.jinja_env.globals["site_header"] = site_header
