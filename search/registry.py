"""What can be found: one registration per kind of document.

A kind says which model it indexes, how a row becomes a `Document` (the text
to search, where it links, and who may see it), and which columns the
database fallback searches with LIKE when the index is unavailable.

Who may see a document is written into the index as *audience* tokens, so
that permission filtering happens inside the Whoosh query, before paging:
"everyone" (every signed-in employee), "members:<community id>",
"leaders:<community id>", "smm". A searcher's own tokens come from
`search.permissions.audience_of`; admins see everything.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

EVERYONE = "everyone"
SMM = "smm"


def members_of(community_id: int) -> str:
    return f"members:{community_id}"


def leaders_of(community_id: int) -> str:
    return f"leaders:{community_id}"


@dataclass(frozen=True)
class Document:
    title: str
    body: str
    audience: Iterable[str]
    endpoint: str  # url_for(endpoint, **url_args) opens it
    url_args: dict
    context: str = ""  # one line under the title, e.g. the event's community (not translated)
    parents: Iterable[str] = ()  # keys of the documents it depends on, e.g. "community:3"


@dataclass(frozen=True)
class Follows:
    """A kind's documents depend on a parent row, e.g. an event on its community
    (archiving the community hides its events; renaming it changes their line)."""

    model: type  # the parent's model
    foreign_key: str  # the child's column that holds the parent's id, e.g. "community_id"
    when: tuple[str, ...]  # the parent's attributes the child's document uses


@dataclass(frozen=True)
class Kind:
    name: str  # "community"; the facet value and the key prefix
    label: object  # lazy-translated plural for the facets, e.g. _l("Communities")
    singular: object  # lazy-translated, shown beside each result, e.g. _l("Community")
    model: type
    document: Callable[[object], Document]
    search_columns: Callable[[], list]  # columns the LIKE fallback looks in
    load_options: Callable[[], list] = field(default=lambda: [])  # eager loads for reindex
    follows: tuple[Follows, ...] = ()  # re-index these documents when their parent changes

    def key(self, row_id: int) -> str:
        return f"{self.name}:{row_id}"


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in _kinds and _kinds[kind.name].model is not kind.model:
        raise ValueError(f"search kind {kind.name!r} is registered twice")
    _kinds[kind.name] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def kind_named(name: str) -> Kind | None:
    return _kinds.get(name)


def kind_key(obj) -> str | None:
    """The document key of a model instance, or None when it isn't searchable."""
    kind = kind_of(obj)
    return kind.key(obj.id) if kind is not None and obj.id is not None else None


def followers_of(model: type) -> list[tuple[Kind, Follows]]:
    """The kinds whose documents depend on rows of `model`."""
    return [(kind, f) for kind in _kinds.values() for f in kind.follows if f.model is model]


def kind_of(obj) -> Kind | None:
    """The registration for a model instance, or None when it isn't searchable."""
    for kind in _kinds.values():
        if type(obj) is kind.model:
            return kind
    return None
