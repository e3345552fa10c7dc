"""The initiatives part of a person's data download: leads and catalog items."""

from sqlalchemy import or_, select

from accounts.models import User
from accounts.views import register_personal_data
from core.extensions import db
from initiatives.models import CatalogItem, Initiative, Lead


def leads_of(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Lead, Initiative.title)
        .join(Lead.initiative)
        .where(Lead.user_id == user.id)
        .order_by(Lead.created_at, Lead.id)
    ).all()
    return [
        {
            "initiative": title,
            "kind": lead.kind.value,
            "source": lead.source,
            "created_at": lead.created_at,
            "withdrawn_at": lead.withdrawn_at,  # "I'm out"
        }
        for lead, title in rows
    ]


def catalog_items_of(user: User) -> list[dict]:
    """Items the person contributed, and items they requested (reserved or exchanged)."""
    rows = db.session.execute(
        select(CatalogItem, Initiative.title)
        .join(CatalogItem.initiative)
        .where(
            or_(
                CatalogItem.contributor_user_id == user.id,
                CatalogItem.reserved_by_user_id == user.id,
            )
        )
        .order_by(CatalogItem.created_at, CatalogItem.id)
    ).all()
    items = []
    for item, initiative in rows:
        entry = {
            "initiative": initiative,
            "title": item.title,
            "author": item.author,
            "category": item.category,
            "condition": item.condition.value,
            "status": item.status.value,
            "contributed": item.contributor_user_id == user.id,
            "requested": item.reserved_by_user_id == user.id,
            "added_at": item.created_at,
        }
        if entry["requested"]:  # what the person pledged and gave, not someone else's
            entry.update(
                reserved_at=item.reserved_at,
                pledged_amount=item.pledged_amount,
                donation_amount=item.donation_amount,
                exchanged_at=item.exchanged_at,
            )
        items.append(entry)
    return items


register_personal_data("leads", leads_of)
register_personal_data("catalog_items", catalog_items_of)
