"""Answering a search: the Whoosh query with the searcher's permission filter,
facets by kind, highlighted snippets, paging and "did you mean"; or, when the
index is unavailable, a plain LIKE query over the database, filtered by the
same audience rules."""

import logging
import math
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select
from whoosh import highlight
from whoosh.qparser import FieldsPlugin, MultifieldParser
from whoosh.query import Term

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
        asked = (None if audience is None else tuple(sorted(audience)), text, kind, page)
        # The generation from the table of contents, without opening the segments: a
        # kept answer needs no searcher. One computed meanwhile on a newer generation is
        # kept under the generation its searcher read.
        kept = (str(ix.storage.folder), ix.latest_generation(), *asked)
        if kept in _ANSWERS:
            _ANSWERS.move_to_end(kept)
            return _ANSWERS[kept]
        with ix.searcher() as searcher:
            _search_index(searcher, ix, result, audience)
            _ANSWERS[(str(ix.storage.folder), searcher.reader().generation(), *asked)] = result
            if len(_ANSWERS) > ANSWERS_KEPT:
                _ANSWERS.popitem(last=False)
    except IndexUnavailable:
        return _search_database(SearchPage(query=text, kind=kind, page=page), audience)
    except Exception:  # noqa: BLE001  (a damaged segment must not break the page)
        log.exception("search index failed; answering from the database")
        return _search_database(SearchPage(query=text, kind=kind, page=page), audience)
    return result


# The latest answers, by index generation, audience and question. Scoring a word that
# matches thousands of documents takes a few hundred milliseconds, and the same
# questions come again; any write to the index makes a new generation, so an
# answer is never served from an index that has changed since.
ANSWERS_KEPT = 500
_ANSWERS: OrderedDict[tuple, SearchPage] = OrderedDict()


def _term_docs(searcher, folder: str, field: str, token: str) -> frozenset[int]:
    """The documents holding `token` in `field`, kept per index generation.

    The audience filter and the facets need these sets on every search; reading
    them from the postings each time cost more than the search itself on a big
    index. A commit makes a new generation (new document numbers), so an entry
    is never stale, only unused.
    """
    key = (folder, searcher.reader().generation(), field, token)
    docs = _TERM_DOCS.get(key)
    if docs is None:
        if len(_TERM_DOCS) >= TERM_DOCS_KEPT:
            _TERM_DOCS.clear()
        docs = _TERM_DOCS[key] = frozenset(searcher.docs_for_query(Term(field, token)))
    return docs


TERM_DOCS_KEPT = 2_000
_TERM_DOCS: dict[tuple, frozenset[int]] = {}


def _allowed_docs(searcher, folder: str, audience: set[str] | None) -> set[int] | None:
    """The documents an audience may see; None for everything."""
    if audience is None:
        return None
    tokens = sorted(audience)
    return set().union(*(_term_docs(searcher, folder, "audience", token) for token in tokens))


def _parse(schema, text: str):
    parser = MultifieldParser(SEARCHED_FIELDS, schema)
    parser.remove_plugin_class(FieldsPlugin)  # no "audience:…" tricks; fields are ours to pick
    return parser.parse(text)


def _search_index(searcher, ix, result: SearchPage, audience) -> None:
    schema, folder = ix.schema, str(ix.storage.folder)
    query = _parse(schema, result.query)
    allowed = _allowed_docs(searcher, folder, audience)
    # Facets are counts, so they come from sets of matches; scoring every match (as a
    # grouped search does) was most of a search's time when a word matches thousands.
    matched = set(searcher.docs_for_query(query))
    if allowed is not None:
        matched &= allowed
    counts = {
        kind.name: len(matched & _term_docs(searcher, folder, "kind", kind.name))
        for kind in kinds()
    }
    result.facets = [(kind, counts[kind.name]) for kind in kinds() if counts.get(kind.name)]
    shown = matched & _term_docs(searcher, folder, "kind", result.kind) if result.kind else matched
    # Whoosh reads an empty filter as "no filter": nothing allowed must mean no search.
    hits = searcher.search_page(query, result.page, pagelen=PER_PAGE, filter=shown) if shown else []
    result.total = hits.total if shown else 0
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
    if allowed is not None and not allowed:
        return None  # an empty filter would let everything through
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
