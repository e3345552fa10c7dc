"""Pages of long lists: sorted and cut as ids alone, then the page's rows loaded whole.

Sorting thousands of whole rows (with the joins a page shows) to keep thirty costs the
database several times what sorting their ids does.
"""

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import bindparam, select

from core.bounds import page_number
from core.extensions import db


def paginate(query, per_page: int):
    """Flask-SQLAlchemy's page of `query`, the page number read within bounds (a page far
    beyond 64 bits would fail in the database's OFFSET)."""
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False)


def page_of_ids(ids_query, per_page: int, model, *options):
    """Flask-SQLAlchemy's page of `ids_query`, its items replaced by the rows they name."""
    page = paginate(ids_query, per_page)
    page.items = load_in_order(model, page.items, *options)
    return page


def load_in_order(model, ids: list[int], *options) -> list:
    """The rows of `model` with these ids, in that order, loaded with `options` (one query)."""
    if not ids:
        return []
    found = db.session.execute(select(model).options(*options).where(model.id.in_(ids)))
    by_id = {row.id: row for row in found.unique().scalars()}
    return [by_id[row_id] for row_id in ids if row_id in by_id]


@dataclass
class Window:
    """A page of a feed without its total: "Newer" and "Older" need only whether one more
    row follows, where page numbers would count every row behind the feed each time."""

    items: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


# A window's cut as parameters, so that a statement built once serves every page.
_ROWS, _SKIP = bindparam("window_rows"), bindparam("window_skip")


def windowed(query):
    """`query` cut by `window`'s parameters: build it once, and pass it with `params`."""
    return query.limit(_ROWS).offset(_SKIP)


def window(query, per_page: int, params: dict | None = None) -> Window:
    """The page of `query` the request asks for, read with one row more than it shows.
    With `params`, `query` is `windowed` already and takes them."""
    page = page_number()
    if params is None:
        query, params = windowed(query), {}
    cut = {_ROWS.key: per_page + 1, _SKIP.key: (page - 1) * per_page}
    rows = list(db.session.execute(query, params | cut).scalars())
    return Window(rows[:per_page], page, len(rows) > per_page)


def page_url(page: int) -> str:
    """This page's address with another page number, its other arguments kept."""
    arguments = request.args.to_dict() | (request.view_args or {}) | {"page": page}
    return url_for(request.endpoint, **arguments)
