"""The site's header, kept by what it shows (core/fragments.py): the same menus, name and
count render the same HTML, and a signed-in page spent a third of its floor rendering it.

`header_inputs` reads everything templates/_header.html shows for this request, so a
change to any of it (a new name, a role, one more unread notification) is another key,
and nothing kept can be stale or another person's: their id is part of the key. The one
part that differs from request to request, the sign-out form's CSRF token, is put in
after.
"""

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from core.fragments import KeptHtml, keeping, reader_context
from core.navigation import admin_items, nav_items
from core.permissions import can

KEPT = 1024  # headers per process, the least recently used dropped first
# Stands for the token in the kept HTML. Its "<" cannot come from anything a person
# typed (their text is escaped to "&lt;"), so no name or search can hold it.
CSRF_SLOT = Markup("<csrf-token>")
# Pages the header marks as the current one besides the menus' own: the bell's, and
# the search box's, which shows the words searched for.
MARKED = ("notifications.index", "search.results")


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
        reader_context(), endpoint, searched,
        signed_in and (user.id, user.display_name),
        tuple((item.endpoint, can(user, item.action)) for item in menus),
        unread,
    )  # fmt: skip


def site_header() -> Markup:
    if not keeping():  # debug mode: an edited template shows at once
        return Markup(render_template("_header.html", csrf_slot=generate_csrf()))
    kept: KeptHtml = current_app.extensions["site_header"]
    key = header_inputs()
    html = kept.get(key)
    if html is None:
        html = render_template("_header.html", csrf_slot=CSRF_SLOT)
        if not key[2]:  # a search's words would push everyone's headers out: not kept
            kept.put(key, html)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, generate_csrf())
    return Markup(html)


def register_site_header(app: Flask) -> None:
    app.extensions["site_header"] = KeptHtml(KEPT)
    app.jinja_env.globals["site_header"] = site_header
