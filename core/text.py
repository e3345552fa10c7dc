"""Markdown rendering with a maintained sanitiser, and checks on typed web addresses."""

from functools import lru_cache
from urllib.parse import urlsplit

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render_markdown(text: str | None) -> Markup:
    return Markup(_sanitised_html(text or ""))


# Keyed by the text itself, so an edited description is rendered afresh on every
# process; the same description shown again (each view of an event, a community)
# skips markdown and the sanitiser, about 0.7 ms.
@lru_cache(maxsize=1024)
def _sanitised_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: never javascript:, data: or a bare word."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()
