"""Reading a catalog as its pages show it.

A reservation that has run out stays RESERVED in its row until a command touches the
book or the cron job (`flask initiatives expire-reservations`) releases it; pages never
write, so they show such a book as available (`CatalogItem.status_at`, and
`_shown_in` below for queries).
"""

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from core.models import utcnow
from initiatives.models import COUNTED_ITEM_STATUSES, CatalogItem, Initiative, ItemStatus

# Who a catalog item names, loaded with each page of items (core/paging.py).
ITEM_PEOPLE = (
    joinedload(CatalogItem.contributor_user),
    joinedload(CatalogItem.contributor_participant),
    joinedload(CatalogItem.reserved_by_user),
    joinedload(CatalogItem.reserved_by_participant),
)


def _ran_out(now: datetime):
    return and_(
        CatalogItem.status == ItemStatus.RESERVED, CatalogItem.reservation_expires_at <= now
    )


def _shown_in(statuses, now: datetime):
    """Items a page shows with one of `statuses`: a run-out reservation counts as available.

    The stored status is compared first (the index's column), then the reservations that
    have or have not run out are told apart.
    """
    wanted = set(statuses)
    stored = wanted | ({ItemStatus.RESERVED} if ItemStatus.AVAILABLE in wanted else set())
    condition = CatalogItem.status.in_(sorted(stored))
    if ItemStatus.AVAILABLE in wanted and ItemStatus.RESERVED not in wanted:
        condition = and_(
            condition,
            or_(CatalogItem.status != ItemStatus.RESERVED,
                CatalogItem.reservation_expires_at <= now),
        )  # fmt: skip
    elif ItemStatus.RESERVED in wanted and ItemStatus.AVAILABLE not in wanted:
        condition = and_(condition, ~_ran_out(now))
    return condition


def _shown_order(now: datetime):
    """Books people can still take come first."""
    ranks = {status: rank for rank, status in enumerate(ItemStatus)}
    return case(
        (_ran_out(now), ranks[ItemStatus.AVAILABLE]), else_=case(ranks, value=CatalogItem.status)
    )


def catalog_query(
    initiative: Initiative,
    *,
    category: str | None = None,
    status: ItemStatus | None = None,
    text: str | None = None,
    statuses: tuple[ItemStatus, ...] = COUNTED_ITEM_STATUSES,
):
    """Items of the catalog, with the people a page shows loaded in the same query."""
    query = select(CatalogItem).options(*ITEM_PEOPLE)
    return _catalog_filtered(query, initiative, category, status, text, statuses)


def catalog_ids_query(
    initiative: Initiative,
    *,
    category: str | None = None,
    status: ItemStatus | None = None,
    text: str | None = None,
    statuses: tuple[ItemStatus, ...] = COUNTED_ITEM_STATUSES,
):
    """The ids of `catalog_query`'s items, in its order: what a page pages over.

    Sorting the narrow rows and loading the people only for the page's items keeps a
    page of a big catalog from joining every item to its people before the LIMIT.
    """
    query = select(CatalogItem.id)
    return _catalog_filtered(query, initiative, category, status, text, statuses)


def _catalog_filtered(query, initiative, category, status, text, statuses):
    now = utcnow()
    query = query.where(
        CatalogItem.initiative_id == initiative.id, _shown_in(statuses, now)
    ).order_by(_shown_order(now), CatalogItem.title, CatalogItem.id)
    if category:
        query = query.where(CatalogItem.category == category)
    if status is not None:
        query = query.where(_shown_in((status,), now))
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(CatalogItem.title).like(pattern),
                func.lower(CatalogItem.author).like(pattern),
            )
        )
    return query
