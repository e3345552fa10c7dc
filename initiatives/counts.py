"""A catalog's figures, counted from its items: totals, per category and per day."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, distinct, func, select

from core import figures
from core.extensions import db
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    ItemStatus,
    Lead,
    counted_leads,
)


@dataclass
class Totals:
    items: int = 0
    exchanged: int = 0
    donations: Decimal = Decimal(0)
    pending: int = 0
    outside_contributors: int = 0
    leads: int = 0

    @property
    def exchanged_share(self) -> int:
        return round(100 * self.exchanged / self.items) if self.items else 0


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# A catalog's totals read every item of the initiative (5,440 for the biggest catalog of
# the large data), so they are kept until an item or a lead of it changes. They count
# nothing that changes with time alone (such as a reservation running out).
figures.watch(CatalogItem, "initiative", "initiative_id")
figures.watch(Lead, "initiative", "initiative_id")


def totals(initiative: Initiative) -> Totals:
    """Everything counted from the items themselves, in one query (plus one for leads)."""
    return figures.kept("initiative", initiative.id, "totals", lambda: _totals(initiative))


def _totals(initiative: Initiative) -> Totals:
    counted = CatalogItem.status.in_(COUNTED_ITEM_STATUSES)
    row = db.session.execute(
        select(
            _count_where(counted),
            _count_where(CatalogItem.status == ItemStatus.EXCHANGED),
            func.coalesce(
                func.sum(
                    case((CatalogItem.status == ItemStatus.EXCHANGED, CatalogItem.donation_amount))
                ),
                0,
            ),
            _count_where(CatalogItem.status == ItemStatus.PENDING),
            func.count(distinct(case((counted, CatalogItem.contributor_participant_id)))),
        ).where(CatalogItem.initiative_id == initiative.id)
    ).one()
    leads = db.session.execute(
        select(func.count())
        .select_from(Lead)
        .where(Lead.initiative_id == initiative.id, counted_leads())
    ).scalar_one()
    return Totals(
        items=int(row[0]),
        exchanged=int(row[1]),
        donations=Decimal(row[2] or 0).quantize(Decimal("0.01")),
        pending=int(row[3]),
        outside_contributors=int(row[4]),
        leads=leads,
    )


@dataclass
class CategoryTotals:
    category: str
    items: int
    exchanged: int
    donations: Decimal


def totals_by_category(initiative: Initiative) -> list[CategoryTotals]:
    return figures.kept("initiative", initiative.id, "by-category",
                        lambda: _totals_by_category(initiative))  # fmt: skip


def _totals_by_category(initiative: Initiative) -> list[CategoryTotals]:
    rows = db.session.execute(
        select(
            CatalogItem.category,
            func.count(),
            _count_where(CatalogItem.status == ItemStatus.EXCHANGED),
            func.coalesce(func.sum(CatalogItem.donation_amount), 0),
        )
        .where(
            CatalogItem.initiative_id == initiative.id,
            CatalogItem.status.in_(COUNTED_ITEM_STATUSES),
        )
        .group_by(CatalogItem.category)
        .order_by(CatalogItem.category)
    )
    return [
        CategoryTotals(category, int(items), int(exchanged), Decimal(amount or 0))
        for category, items, exchanged, amount in rows
    ]


def donations_by_day(initiative: Initiative) -> list[tuple[date, int, Decimal]]:
    """Per day: exchanges and donations (UTC days), oldest first."""
    day = func.date(CatalogItem.exchanged_at)
    rows = db.session.execute(
        select(day, func.count(), func.coalesce(func.sum(CatalogItem.donation_amount), 0))
        .where(
            CatalogItem.initiative_id == initiative.id,
            CatalogItem.status == ItemStatus.EXCHANGED,
        )
        .group_by(day)
        .order_by(day)
    )
    result = []
    for value, count, amount in rows:
        when = value if isinstance(value, date) else date.fromisoformat(str(value))
        result.append((when, int(count), Decimal(amount or 0)))
    return result
