"""HTML kept by what it shows: a list's rows, the site's header.

A fragment is kept under a key that holds everything its template reads (the row's
values, what the reader may do with it), plus the reader's language, time zone and the
site's address prefix, which this module adds. The same key then always means the same
HTML: nothing kept can be stale, since a changed value is another key, or another
person's, since whatever differs between readers is in it. Rendering a row of links,
dates and names in the reader's language costs a tenth of a millisecond or more; finding
it kept costs a few microseconds. The keys are read where the rows are drawn
(`*_inputs` functions beside the features' views); a template that starts to read
something new must add it there, and the tests beside each show how to prove it.

Each process keeps the most recently used fragments (an LRU), per app.
"""

import hashlib
import threading
from collections import OrderedDict

from flask import Flask, current_app, request
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from core.dates import viewer_zone_name
from core.permissions import can

KEPT = 4096  # fragments per process, the least recently used dropped first
KEPT_CHARACTERS = 16 * 2**20  # and at most this much HTML in all (Cyrillic: twice the bytes)
LONGEST_KEPT = 32 * 2**10  # a longer fragment (a reply of 20,000 characters) is not kept


class KeptHtml:
    """The most recently used fragments by key, shared by a process's threads, bounded by
    their number and by their length together."""

    def __init__(self, size: int = KEPT, characters: int = KEPT_CHARACTERS) -> None:
        self.size, self.characters = size, characters
        self._html: OrderedDict = OrderedDict()
        self._held = 0  # characters of HTML kept
        self._lock = threading.Lock()

    def get(self, key) -> str | None:
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
            return html

    def put(self, key, html: str) -> None:
        if len(html) > LONGEST_KEPT:
            return
        with self._lock:
            old = self._html.pop(key, None)
            self._held += len(html) - (len(old) if old is not None else 0)
            self._html[key] = html
            while len(self._html) > self.size or self._held > self.characters:
                _key, dropped = self._html.popitem(last=False)
                self._held -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._html.clear()
            self._held = 0


def digest(text: str) -> bytes:
    """A long text's part of a key: 16 bytes instead of the text (a reply's body)."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def keeping() -> bool:
    """False while templates reload as they are edited (debug mode): nothing is kept."""
    return not current_app.jinja_env.auto_reload


def reader_context() -> tuple:
    """What every fragment's HTML depends on besides its own inputs."""
    return str(get_locale()), viewer_zone_name(), _address_prefix()


def _address_prefix() -> str:
    """The prefix `url_for` puts before a path: the request's, or the site's own where an
    error page for an untrusted host builds its links from SITE_URL (core/errors.py)."""
    adapter = request_ctx.url_adapter
    return adapter.script_name if adapter is not None else request.script_root


def person_link_inputs(user) -> tuple | None:
    """What `person_link` (templates/_macros.html) shows of someone: their name, a link to
    their profile while they are active and the reader may open profiles."""
    if user is None:
        return None
    return user.id, user.display_name, user.active, can(current_user, "people.view")


def kept_fragment(kind: str, inputs: tuple, caller) -> Markup:
    """`{% call kept_fragment("post_row", inputs) %}…{% endcall %}`: the block as rendered
    for these inputs, or rendered now and kept."""
    if not keeping():
        return caller()
    store: KeptHtml = current_app.extensions["kept_fragments"]
    key = (kind, reader_context(), inputs)
    html = store.get(key)
    if html is None:
        html = str(caller())
        store.put(key, html)
    return Markup(html)


def register_fragments(app: Flask) -> None:
    app.extensions["kept_fragments"] = KeptHtml()
    app.jinja_env.globals["kept_fragment"] = kept_fragment
