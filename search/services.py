"""Answering a search: the Whoosh query with the searcher's permission filter,
facets by kind, highlighted snippets, paging and "did you mean"; or, when the
index is unavailable, a plain LIKE query over the database, filtered by the
same audience rules."""

import logging
import math
from dataclasses import dataclass, field

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select
from whoosh import highlight
from whoosh.qparser import FieldsPlugin, MultifieldParser
from whoosh.query import And, Or, Term

from core.extensions import db
from search.analysis import stem, word_analyzer
from search.index import IndexUnavailable, fields_for, search_index
from search.permissions import audience_of
from search.registry import Kind, kind_named, kinds

log = logging.getLogger(__name__)

PER_PAGE = 10
SNIPPET_CHARS = 240
FALLBACK_ROWS_PER_KIND = 200
SEARCHED_FIELDS = ["title", "body"]


@dataclass
class Result:
    kind: Kind
    title: Markup  # escaped, with <mark> around the words that matched
    snippet: Markup
    endpoint: str
    url_args: dict
    context: str = ""

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.url_args)


@dataclass
class SearchPage:
    query: str
    kind: str | None
    page: int
    results: list[Result] = field(default_factory=list)
    total: int = 0
    facets: list[tuple[Kind, int]] = field(default_factory=list)  # counts over every kind
    suggestion: str | None = None  # "did you mean"
    from_database: bool = False  # the index was unavailable

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search(user, text: str, kind: str | None = None, page: int = 1) -> SearchPage:
    """What `user` may see that matches `text`, one page of it."""
    text = " ".join(text.split())[:200]
    kind = kind if kind_named(kind or "") else None
    page = max(1, page)
    result = SearchPage(query=text, kind=kind, page=page)
    if not text:
        return result
    audience = audience_of(user)
    try:
        ix = search_index().open()
        with ix.searcher() as searcher:
            _search_index(searcher, ix.schema, result, audience)
    except IndexUnavailable:
        return _search_database(SearchPage(query=text, kind=kind, page=page), audience)
    except Exception:  # noqa: BLE001  (a damaged segment must not break the page)
        log.exception("search index failed; answering from the database")
        return _search_database(SearchPage(query=text, kind=kind, page=page), audience)
    return result


def _audience_filter(audience: set[str] | None):
    if audience is None:
        return None
    return Or([Term("audience", token) for token in sorted(audience)])


def _parse(schema, text: str):
    parser = MultifieldParser(SEARCHED_FIELDS, schema)
    parser.remove_plugin_class(FieldsPlugin)  # no "audience:…" tricks; fields are ours to pick
    return parser.parse(text)


def _search_index(searcher, schema, result: SearchPage, audience) -> None:
    query = _parse(schema, result.query)
    allowed = _audience_filter(audience)
    everything = searcher.search(query, filter=allowed, groupedby="kind", limit=1)
    counts = {name: len(docs) for name, docs in everything.groups("kind").items()}
    result.facets = [(kind, counts[kind.name]) for kind in kinds() if counts.get(kind.name)]
    shown = allowed
    if result.kind:
        shown = And([allowed, Term("kind", result.kind)]) if allowed else Term("kind", result.kind)
    hits = searcher.search_page(query, result.page, pagelen=PER_PAGE, filter=shown)
    result.total = hits.total
    result.page = min(result.page, result.pages)
    whole = highlight.Highlighter(fragmenter=highlight.WholeFragmenter(), formatter=_formatter())
    context = highlight.Highlighter(
        fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
        formatter=_formatter(),
    )
    for hit in hits:
        kind = kind_named(hit["kind"])
        if kind is None:
            continue  # a kind no longer registered; the next reindex drops it
        title = whole.highlight_hit(hit, "title", top=1) or escape(hit["title"])
        snippet = context.highlight_hit(hit, "body", top=2) or escape(_shorten(hit["body"]))
        result.results.append(
            Result(
                kind=kind,
                title=Markup(title),
                snippet=Markup(snippet),
                endpoint=hit["endpoint"],
                url_args=hit["url_args"],
                context=hit.get("context", ""),
            )
        )
    if any(_is_unknown(searcher, word) for word in _words(result.query)):
        result.suggestion = _suggest(searcher, schema, result.query, allowed)


def _formatter():
    return highlight.HtmlFormatter(tagname="mark", classname="match", between=" … ")


def _shorten(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def _words(text: str) -> list[str]:
    return [token.text for token in word_analyzer()(text)]


def _is_unknown(searcher, word: str) -> bool:
    """Neither the word nor another form of it (same stem) is anywhere in the index."""
    if len(word) <= 2 or searcher.doc_frequency("words", word):
        return False
    return not any(searcher.doc_frequency(name, stem(word)) for name in SEARCHED_FIELDS)


def _suggest(searcher, schema, text: str, allowed) -> str | None:
    """A corrected query, offered only when it finds something this searcher may see."""
    corrector = searcher.corrector("words")
    words = _words(text)
    corrected = []
    for word in words:
        if _is_unknown(searcher, word):
            suggestions = corrector.suggest(word, limit=1, maxdist=2)
            corrected.append(suggestions[0] if suggestions else word)
        else:
            corrected.append(word)
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    found = searcher.search(_parse(schema, suggestion), filter=allowed, limit=1)
    return suggestion if found.scored_length() else None


def _search_database(result: SearchPage, audience) -> SearchPage:
    """The fallback while the index is missing or being rebuilt: LIKE on each kind's columns."""
    result.from_database = True
    words = result.query.split()[:8]
    matches: dict[str, list[Result]] = {}
    for kind in kinds():
        columns = kind.search_columns()
        each_word_somewhere = and_(
            *(or_(*(c.ilike(_like(word), escape="\\") for c in columns)) for word in words)
        )
        rows = db.session.execute(
            select(kind.model)
            .options(*kind.load_options())
            .where(each_word_somewhere)
            .order_by(kind.model.id.desc())
            .limit(FALLBACK_ROWS_PER_KIND)
        ).scalars()
        for row in rows:
            fields = fields_for(kind, row)
            if audience is not None and not audience & set(fields["audience"].split()):
                continue
            matches.setdefault(kind.name, []).append(
                Result(
                    kind=kind,
                    title=escape(fields["title"]),
                    snippet=escape(_shorten(fields["body"])),
                    endpoint=fields["endpoint"],
                    url_args=fields["url_args"],
                    context=fields["context"],
                )
            )
    result.facets = [(kind, len(matches[kind.name])) for kind in kinds() if kind.name in matches]
    shown = matches.get(result.kind, []) if result.kind else sum(matches.values(), [])
    result.total = len(shown)
    result.page = min(result.page, result.pages)
    start = (result.page - 1) * PER_PAGE
    result.results = shown[start : start + PER_PAGE]
    return result


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
