"""Markdown rendering with a maintained sanitiser, and safe redirect targets."""

from urllib.parse import urlsplit

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render_markdown(text: str | None) -> Markup:
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"))


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: never javascript:, data: or a bare word."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


def is_safe_next(target: str | None) -> bool:
    """Only same-site paths may be redirected to after sign-in."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/")
