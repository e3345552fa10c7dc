"""Markdown rendered once, when it is saved, and checks on typed web addresses.

People's Markdown becomes HTML through GitHub's CommonMark parser in C
(cmark-gfm, by way of cmarkgfm), whose time grows linearly with the text
whatever it holds, and is then cleaned by a maintained sanitiser (nh3). Each
Markdown column has a `<name>_html` column beside it, filled whenever the
source is set, so a page shows stored HTML and never pays for rendering.
"""

import re
from functools import partial
from urllib.parse import urlsplit

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup
from sqlalchemy import Table, Text, event
from sqlalchemy.orm import MappedColumn, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip

# CommonMark with tables. Inline HTML is passed on ("unsafe") to the sanitiser, which
# keeps only the tags above, as the earlier renderer did, but only within a budget:
# the HTML parser re-opens every formatting tag left open (<b>, <i>, <a>, ...) at
# each new block, so 900 open tags before 2,500 paragraphs made 16 MB in 9 s. Its
# work is at most (raw tags) x (blocks + raw tags); past the budget the raw HTML is
# left out (the words stay) and the Markdown alone is rendered.
_EXTENSIONS = ("table",)
RAW_HTML_BUDGET = 20_000
_RAW_HTML_OMITTED = "<!-- raw HTML omitted -->"  # what cmark writes without "unsafe"
# Stored HTML is at most this many times the Markdown (plus a little): a table whose
# header has hundreds of columns pads every short row below it with empty cells.
MAX_GROWTH = 10
_GROWTH_SLACK = 10_000

# cmark stops lists at 100 levels but not block quotes: ">" * 20000 is 20,000 nested
# <blockquote>s, and sanitising grows with the square of the depth (3 s). Quote
# markers past this depth, at the start of a line, are dropped; the text stays.
MAX_QUOTE_DEPTH = 20
# A line's container markers (quotes, bullets, numbers); possessive, so linear. A line
# starts after "\n" or, for CommonMark, after a lone "\r" too.
_CONTAINER_MARKERS = re.compile(
    r"(?:^|(?<=\r))(?:[ \t]*+(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))++", re.M
)


def _cap_quote_depth(markers: re.Match) -> str:
    parts = markers.group().split(">")
    if len(parts) <= MAX_QUOTE_DEPTH + 1:
        return markers.group()
    return ">".join(parts[: MAX_QUOTE_DEPTH + 1]) + "".join(parts[MAX_QUOTE_DEPTH + 1 :])


def _cap_all_quotes(text: str) -> str:
    return _CONTAINER_MARKERS.sub(_cap_quote_depth, text)


# A fenced code block's lines are code, whatever they start with: the cap leaves the
# lines of a fence that opens at the start of a line alone. (Such a line can still be
# no fence, inside an HTML block: render_markdown then checks the depth cmark made.)
_LINES = re.compile(r"(\r\n|\r|\n)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_QUOTE_TAG = re.compile(r"<(/?)blockquote>")


def _cap_quotes_outside_fences(text: str) -> str:
    parts = _LINES.split(text)  # lines, each followed by its line ending
    closing = None
    for index in range(0, len(parts), 2):
        line = parts[index]
        if closing is not None:
            if closing.fullmatch(line):
                closing = None
            continue
        fence = _FENCE.match(line)
        if fence and not (fence.group(1)[0] == "`" and "`" in line[fence.end() :]):
            mark, length = fence.group(1)[0], len(fence.group(1))
            closing = re.compile(rf" {{0,3}}{re.escape(mark)}{{{length},}}[ \t]*")
            continue
        parts[index] = _cap_all_quotes(line)
    return "".join(parts)


def _deepest_quote(html: str) -> int:
    depth = deepest = 0
    for tag in _QUOTE_TAG.finditer(html):
        depth += -1 if tag.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def _cmark(text: str, options: int = 0) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=_EXTENSIONS)


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    largest = MAX_GROWTH * len(text) + _GROWTH_SLACK
    text = _cap_quotes_outside_fences(text)
    html = _cmark(text)  # without raw HTML, so every <blockquote> in it is cmark's
    if _deepest_quote(html) > MAX_QUOTE_DEPTH:  # a "fence" that was not one
        text = _cap_all_quotes(text)
        html = _cmark(text)
    raw = html.count(_RAW_HTML_OMITTED)
    if raw and raw * (html.count("\n") + raw) <= RAW_HTML_BUDGET:
        html = _cmark(text, Options.CMARK_OPT_UNSAFE)
    if len(html) <= largest:
        html = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
        if len(html) <= largest:
            return Markup(html)
    # Too large to keep or to show: the words as written, in one paragraph.
    return Markup("<p>{}</p>\n").format(text)


class SanitisedHTML(TypeDecorator):
    """HTML that render_markdown made on save; it comes back as Markup, ready for a page."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        return None if value is None else Markup(value)


def rendered_markdown(source: str) -> MappedColumn:
    """A column holding the sanitised HTML of the Markdown column `source`.

    It is set whenever `source` is (by a form, a service, the demo), so no code
    path can forget it; bulk inserts skip attribute events and use `with_html`.
    """
    return mapped_column(SanitisedHTML, default="", server_default="",
                         info={"markdown_source": source})  # fmt: skip


def markdown_columns(mapper_or_table) -> dict[str, str]:
    """{Markdown column: its HTML column} of a model's table."""
    return {
        column.info["markdown_source"]: column.key
        for column in mapper_or_table.columns
        if "markdown_source" in column.info
    }


def _render_into(html_key: str, target, value, oldvalue, initiator) -> None:
    setattr(target, html_key, render_markdown(value))


@event.listens_for(Mapper, "mapper_configured")  # every mapped class
def _render_when_set(mapper: Mapper, cls: type) -> None:
    for source, html_key in markdown_columns(mapper).items():
        event.listen(getattr(cls, source), "set", partial(_render_into, html_key))


def with_html(table: Table, row: dict) -> dict:
    """A row for a bulk insert into `table` with the HTML of each Markdown column it sets."""
    for source, html_key in markdown_columns(table).items():
        if source in row:
            row[html_key] = render_markdown(row[source])
    return row


# Characters that show nothing yet change what is shown: zero-width spaces and joiners'
# look-alikes, the byte-order mark, and the bidirectional overrides and isolates that
# make "Eve\u202eadmin" read backwards. (ZWJ/ZWNJ stay: emoji and some scripts need them.)
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]
)


def one_line(text: str | None) -> str | None:
    """`text` on one line: every line separator (CR, LF, U+2028, NEL, FF, ...) is a space,
    and the invisible characters that could disguise a name or title are dropped.

    For the fields that are a single line (names, titles): a name or a title reaches
    e-mail subjects and headers, where a line break would cut or spoof them.
    `str.splitlines` knows every separator that Python's e-mail package (and the
    mail software after it) treats as one. A form field's filter, and header_value.
    """
    if text is None:
        return None
    text = text.translate(_INVISIBLE)
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def is_web_address(text: str) -> bool:
    """An http(s) address with a host: never javascript:, data: or a bare word."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


def plain_excerpt(html: str | None, length: int = 140) -> str:
    """The words of stored HTML as one line of plain text, cut at a word boundary with a
    single ellipsis when longer than `length` (a directory card's excerpt)."""
    text = Markup(html or "").striptags()  # tags out, entities read, whitespace collapsed
    if len(text) <= length:
        return text
    cut = text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]
    return cut.rstrip(" .,;:!?…-–—") + "…"
