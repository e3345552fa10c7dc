"""A catalog's books changing hands: offered, approved, confirmed, released, withdrawn,
and reservations that ran out made available again. (Requests: reservations.py.)

Every change locks the book's row first (`locked_item`), and a reservation that has run
out is released there, in the same transaction, before the change is judged.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from accounts.models import User
from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import donation_confirmed, reservation_expiring, reservation_released
from initiatives import covers
from initiatives.editing import check_amount, check_catalog
from initiatives.leads import record_lead
from initiatives.models import CatalogItem, Initiative, ItemCondition, ItemStatus, LeadKind
from initiatives.participants import Outsider, find_or_add_participant


def offer_item(
    initiative: Initiative,
    *,
    title: str,
    author: str = "",
    category: str,
    condition: ItemCondition = ItemCondition.GOOD,
    cover=None,
    user: User | None = None,
    outsider: Outsider | None = None,
) -> CatalogItem:
    """An employee's or an outside participant's book; an outsider's waits for approval."""
    check_catalog(initiative)
    check_item_fields(initiative, title, author, category)
    participant = None
    if outsider is not None:
        participant = find_or_add_participant(outsider.name, outsider.email)
    elif user is None:
        raise ValueError("an item is offered by a user or an outsider")
    item = CatalogItem(
        initiative=initiative,
        title=title.strip(),
        author=author.strip(),
        category=category,
        condition=condition,
        status=ItemStatus.PENDING if participant else ItemStatus.AVAILABLE,
        contributor_user=user if participant is None else None,
        contributor_participant=participant,
        cover_file=covers.save_cover(cover) if cover is not None else None,
    )
    db.session.add(item)
    audit.record(user, "catalog_item.offered", item, f"status {item.status.value}")
    record_lead(
        initiative,
        LeadKind.CONTRIBUTION,
        user=user if participant is None else None,
        participant=participant,
        source=outsider.source if outsider else None,
    )
    return item


def item_field_problem(initiative: Initiative, title: str, author: str, category: str):
    """What is wrong with a book's title, author or category: (message, field) or None."""
    if not title.strip():
        return _("Give the book's title."), "title"
    if len(title) > 200 or len(author) > 200:
        return _("Titles and authors are at most 200 characters."), "title"
    if category not in initiative.category_list:
        return _("Choose one of the catalog's categories."), "category"
    return None


def check_item_fields(initiative: Initiative, title: str, author: str, category: str) -> None:
    problem = item_field_problem(initiative, title, author, category)
    if problem is not None:
        message, field = problem
        raise DomainError(message, field=field)


def locked_item(initiative_id: int, item_id: int, now: datetime | None = None) -> CatalogItem:
    """The item locked for this transaction (lock_row comes first, as it must), with a
    reservation that ran out by `now` released."""
    item = lock_row(CatalogItem, item_id)
    if item is None or item.initiative_id != initiative_id:
        raise DomainError(_("This book is no longer in the catalog."))
    if item.has_run_out(now or utcnow()):
        holder = item.reserved_by_user
        clear_reservation(item)
        set_status(None, item, ItemStatus.AVAILABLE, "reservation expired")
        _tell_released(item, holder, None, expired=True)
    return item


def _tell_released(item: CatalogItem, holder: User | None, actor, *, expired: bool) -> None:
    """The person who held the book hears it is free again (not when they freed it)."""
    if holder is not None and holder.id != getattr(actor, "id", None):
        reservation_released.send(item, holder=holder, expired=expired)


def set_status(actor, item: CatalogItem, status: ItemStatus, detail: str = "") -> None:
    before = item.status
    item.status = status
    text = f"{before.value} → {status.value}" + (f"; {detail}" if detail else "")
    audit.record(actor, f"catalog_item.{status.value}", item, text)


def clear_reservation(item: CatalogItem) -> None:
    item.reserved_by_user_id = None
    item.reserved_by_participant_id = None
    item.reserved_at = None
    item.reservation_expires_at = None
    item.pledged_amount = None


def confirm_donation(actor: User, initiative: Initiative, item_id: int, amount) -> CatalogItem:
    """The donation arrived: record the amount; the book is exchanged."""
    item = locked_item(initiative.id, item_id)
    if item.status == ItemStatus.AVAILABLE:
        # Someone must have asked for the book first: the reservation names who pays.
        raise DomainError(
            _("Only a reserved book can be exchanged: this one has not been requested yet.")
        )
    if item.status != ItemStatus.RESERVED:
        raise DomainError(_("Only a reserved book can be exchanged."))
    value = check_amount(amount, field="amount")
    item.donation_amount = value
    item.exchanged_at = utcnow()
    item.reservation_expires_at = None
    set_status(actor, item, ItemStatus.EXCHANGED, f"donation {value} {item.initiative.currency}")
    holder = item.reserved_by_user
    if holder is not None and holder.id != actor.id:
        donation_confirmed.send(item, holder=holder, amount=value)
    return item


def release_reservation(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    item = locked_item(initiative.id, item_id)
    if item.status != ItemStatus.RESERVED:
        raise DomainError(_("This book is not reserved."))
    holder = item.reserved_by_user
    clear_reservation(item)
    set_status(actor, item, ItemStatus.AVAILABLE, "released")
    _tell_released(item, holder, actor, expired=False)
    return item


def withdraw_item(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    item = locked_item(initiative.id, item_id)
    if item.status in (ItemStatus.EXCHANGED, ItemStatus.WITHDRAWN):
        raise DomainError(_("An exchanged or withdrawn book cannot be withdrawn."))
    holder = item.reserved_by_user if item.status == ItemStatus.RESERVED else None
    clear_reservation(item)
    _tell_released(item, holder, actor, expired=False)
    set_status(actor, item, ItemStatus.WITHDRAWN)
    return item


def approve_item(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    """A leader lets an outside participant's book into the catalog."""
    item = locked_item(initiative.id, item_id)
    if item.status != ItemStatus.PENDING:
        raise DomainError(_("This book is not waiting for approval."))
    set_status(actor, item, ItemStatus.AVAILABLE, "approved")
    return item


def expire_reservations(initiative: Initiative | None = None, now: datetime | None = None) -> int:
    """Make books whose reservation ran out available again; returns how many.

    The cron job's command (`flask initiatives expire-reservations`): pages only show such
    books as available. Each item is changed by a conditional UPDATE, so a confirmation
    that wins the race is never undone.
    """
    now = now or utcnow()
    query = select(CatalogItem.id, CatalogItem.reserved_by_user_id).where(
        CatalogItem.status == ItemStatus.RESERVED, CatalogItem.reservation_expires_at <= now
    )
    if initiative is not None:
        query = query.where(CatalogItem.initiative_id == initiative.id)
    expired = 0
    released = []
    for item_id, holder_id in db.session.execute(query).all():
        changed = db.session.execute(
            update(CatalogItem)
            .where(
                CatalogItem.id == item_id,
                CatalogItem.status == ItemStatus.RESERVED,
                CatalogItem.reservation_expires_at <= now,
            )
            .values(
                status=ItemStatus.AVAILABLE,
                reserved_by_user_id=None,
                reserved_by_participant_id=None,
                reserved_at=None,
                reservation_expires_at=None,
                pledged_amount=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            expired += 1
            released.append((item_id, holder_id))
            db.session.add(
                audit.AuditEntry(
                    actor_id=None,
                    action="catalog_item.available",
                    subject_type=CatalogItem.__name__,
                    subject_id=item_id,
                    detail="reserved → available; reservation expired",
                )
            )
    if expired:
        db.session.expire_all()
    for item_id, holder_id in released:
        if holder_id is not None:
            holder = db.session.get(User, holder_id)
            reservation_released.send(db.session.get(CatalogItem, item_id), holder=holder,
                                      expired=True)  # fmt: skip
    return expired


def remind_reservations(now: datetime | None = None) -> int:
    """Tell each holder a day before their reservation runs out; how many were told.

    The cron job's command (`flask initiatives remind-reservations`, e.g. hourly). Once per
    reservation however often it runs: the notification's dedupe key is the reservation's
    (the book and when it was reserved).
    """
    now = now or utcnow()
    items = db.session.execute(
        select(CatalogItem)
        .where(
            CatalogItem.status == ItemStatus.RESERVED,
            CatalogItem.reserved_by_user_id.is_not(None),
            CatalogItem.reservation_expires_at > now,
            CatalogItem.reservation_expires_at <= now + timedelta(days=1),
        )
        .order_by(CatalogItem.id)
    ).scalars()
    reminded = 0
    for item in items:
        for _listener, told in reservation_expiring.send(item, holder=item.reserved_by_user):
            reminded += bool(told)
    return reminded
