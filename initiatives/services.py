"""Initiative rules: creating and running initiatives, the catalog's exchange flow,
outside participants and leads, and totals computed from the items."""

import csv
import io
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, distinct, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from accounts.services import find_user_by_email, is_allowed_email
from community.models import Community
from community.services import is_leader
from core import audit, figures
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import lead_created
from core.spreadsheets import safe_cell
from initiatives import covers
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    DEFAULT_CATEGORIES,
    CatalogItem,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
    ItemCondition,
    ItemStatus,
    Lead,
    LeadKind,
    Participant,
)

MAX_DONATION = Decimal("1000000")
MAX_IMPORT_ROWS = 2000
# Items that count in the catalog's totals: not waiting for approval, not withdrawn.


# --- reading ---------------------------------------------------------------


def get_initiative(initiative_id: int) -> Initiative | None:
    return db.session.execute(
        select(Initiative)
        .options(joinedload(Initiative.community))
        .where(Initiative.id == initiative_id)
    ).scalar_one_or_none()


def initiatives_of(community: Community, include_drafts: bool = False) -> list[Initiative]:
    """The community's active initiatives (and drafts, for its leaders), newest first."""
    statuses = [InitiativeStatus.ACTIVE]
    if include_drafts:
        statuses.append(InitiativeStatus.DRAFT)
    return list(
        db.session.execute(
            select(Initiative)
            .where(Initiative.community_id == community.id, Initiative.status.in_(statuses))
            .order_by(Initiative.status, Initiative.created_at.desc(), Initiative.id.desc())
        ).scalars()
    )


# Books people can still take come first.
_STATUS_ORDER = case(
    {status: rank for rank, status in enumerate(ItemStatus)}, value=CatalogItem.status
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


# Who a catalog item names, loaded with each page of items (core/paging.py).
ITEM_PEOPLE = (
    joinedload(CatalogItem.contributor_user),
    joinedload(CatalogItem.contributor_participant),
    joinedload(CatalogItem.reserved_by_user),
    joinedload(CatalogItem.reserved_by_participant),
)


def _catalog_filtered(query, initiative, category, status, text, statuses):
    query = query.where(
        CatalogItem.initiative_id == initiative.id, CatalogItem.status.in_(statuses)
    ).order_by(_STATUS_ORDER, CatalogItem.title, CatalogItem.id)
    if category:
        query = query.where(CatalogItem.category == category)
    if status is not None:
        query = query.where(CatalogItem.status == status)
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(CatalogItem.title).like(pattern),
                func.lower(CatalogItem.author).like(pattern),
            )
        )
    return query


@dataclass
class Totals:
    items: int = 0
    exchanged: int = 0
    donations: Decimal = Decimal(0)
    reserved: int = 0
    pending: int = 0
    outside_contributors: int = 0
    leads: int = 0

    @property
    def exchanged_share(self) -> int:
        return round(100 * self.exchanged / self.items) if self.items else 0


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# A catalog's totals read every item of the initiative (5,440 for the biggest catalog of
# the large data), so they are kept until an item or a lead of it changes.
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
            _count_where(CatalogItem.status == ItemStatus.RESERVED),
            _count_where(CatalogItem.status == ItemStatus.PENDING),
            func.count(distinct(case((counted, CatalogItem.contributor_participant_id)))),
        ).where(CatalogItem.initiative_id == initiative.id)
    ).one()
    leads = db.session.execute(
        select(func.count()).select_from(Lead).where(Lead.initiative_id == initiative.id)
    ).scalar_one()
    return Totals(
        items=int(row[0]),
        exchanged=int(row[1]),
        donations=Decimal(row[2] or 0).quantize(Decimal("0.01")),
        reserved=int(row[3]),
        pending=int(row[4]),
        outside_contributors=int(row[5]),
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


def leads_query(initiative: Initiative):
    return (
        select(Lead)
        .options(joinedload(Lead.participant), joinedload(Lead.user))
        .where(Lead.initiative_id == initiative.id)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )


def leads_csv(initiative: Initiative) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["created_at", "kind", "name", "email", "outside", "source"])
    for lead in db.session.execute(leads_query(initiative)).scalars():
        person = lead.participant or lead.user
        name = lead.participant.name if lead.participant else lead.user.display_name
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    lead.created_at.isoformat(timespec="seconds"),
                    lead.kind.value,
                    name,
                    person.email,
                    "yes" if lead.participant else "no",
                    lead.source or "",
                )
            ]
        )
    return out.getvalue()


# --- initiatives -------------------------------------------------------------


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise DomainError(_("Use a three-letter currency code, such as UAH, EUR or USD."))
    return code


def check_amount(amount, *, allow_zero: bool = False) -> Decimal:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount, such as 350.")) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise DomainError(_("Enter an amount greater than zero."))
    if value > MAX_DONATION:
        raise DomainError(_("That amount is too large for one book."))
    return value.quantize(Decimal("0.01"))


INITIATIVE_FIELDS = (
    "title", "kind", "description", "goal", "target", "starts_on", "ends_on", "status",
    "is_public", "beneficiary", "currency", "suggested_donation", "categories", "reservation_days",
)  # fmt: skip


def _apply(initiative: Initiative, values: dict) -> None:
    unknown = set(values) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown initiative fields: {sorted(unknown)}")
    if "status" in values:
        values["status"] = InitiativeStatus(values["status"])
    if "kind" in values:
        values["kind"] = InitiativeKind(values["kind"])
    if "currency" in values:
        values["currency"] = check_currency(values["currency"])
    if values.get("suggested_donation") is not None:
        values["suggested_donation"] = check_amount(values["suggested_donation"])
    for name, value in values.items():
        setattr(initiative, name, value)
    if not (initiative.title or "").strip():
        raise DomainError(_("Give the initiative a title."))
    if initiative.starts_on and initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise DomainError(_("The end date comes before the start date."))
    if initiative.is_catalog and not initiative.category_list:
        raise DomainError(_("A book exchange needs at least one category."))


def create_initiative(actor: User, community: Community, **values) -> Initiative:
    initiative = Initiative(community=community, created_by_id=actor.id)
    values.setdefault("kind", InitiativeKind.GENERAL)
    values.setdefault("status", InitiativeStatus.DRAFT)
    values.setdefault("currency", "UAH")
    for name, default in (
        ("description", ""),
        ("goal", ""),
        ("beneficiary", ""),
        ("is_public", False),
        ("reservation_days", 7),
        ("categories", "\n".join(DEFAULT_CATEGORIES)),
    ):
        values.setdefault(name, default)
    _apply(initiative, values)
    db.session.add(initiative)
    audit.record(actor, "initiative.created", initiative, f"status {initiative.status.value}")
    return initiative


def update_initiative(actor: User, initiative: Initiative, **values) -> Initiative:
    before = initiative.status
    _apply(initiative, values)
    if initiative.status != before:
        audit.record(
            actor,
            "initiative.status_changed",
            initiative,
            f"{before.value} → {initiative.status.value}",
        )
    return initiative


# --- participants and leads ---------------------------------------------------


FORGOTTEN_NAME = "—"
FORGOTTEN_DOMAIN = "forgotten.invalid"


def normalise_email(email: str) -> str:
    """One spelling per address: Unicode NFC, the domain in its IDNA-checked form, all in
    lower case (as email_validator normalises, then lowered, as addresses are compared)."""
    email = unicodedata.normalize("NFC", email.strip())
    # Forgotten participants' placeholders and older addresses stay as they are.
    with suppress(EmailNotValidError):
        email = validate_email(email, check_deliverability=False).normalized
    return email.lower()


def participant_by_email(email: str) -> Participant | None:
    return db.session.execute(
        select(Participant).where(Participant.email == normalise_email(email))
    ).scalar_one_or_none()


def forget_participant(actor, participant: Participant) -> None:
    """Erase an outside person's name and e-mail; their books, requests and leads stay
    (anonymous), so totals and promotion outcomes do not change."""
    if participant.email.endswith("@" + FORGOTTEN_DOMAIN):
        raise DomainError(_("This participant was already forgotten."))
    participant.name = FORGOTTEN_NAME
    participant.email = f"participant-{participant.id}@{FORGOTTEN_DOMAIN}"
    audit.record(actor, "participant.forget", participant)


def participants_query(term: str = ""):
    query = select(Participant).order_by(Participant.created_at.desc(), Participant.id.desc())
    if term:
        query = query.where(
            Participant.email.contains(term.lower(), autoescape=True)
            | Participant.name.contains(term, autoescape=True)
        )
    return query


def find_or_add_participant(name: str, email: str) -> Participant:
    """The one participant with this e-mail: the name of their first form, the consent of
    their latest."""
    email = normalise_email(email)
    participant = participant_by_email(email)
    if participant is None:
        participant = Participant(name=name.strip(), email=email, consent_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(participant)
        except IntegrityError:
            # The same e-mail arrived in a parallel form a moment earlier: that is the person.
            participant = participant_by_email(email)
        else:
            return participant
    # The name stays the one they first gave: anyone may type an address into a form.
    participant.consent_at = utcnow()  # consent given again with this form
    return participant


def _new_lead(initiative, kind, user, participant, source) -> Lead:
    if (user is None) == (participant is None):
        raise ValueError("a lead comes from a user or from a participant")
    return Lead(
        initiative=initiative,
        kind=kind,
        user=user,
        participant=participant,
        source=(source or None) and source[:80],
        created_at=utcnow(),
    )


def record_lead(
    initiative: Initiative,
    kind: LeadKind,
    *,
    user: User | None = None,
    participant: Participant | None = None,
    source: str | None = None,
) -> Lead:
    lead = _new_lead(initiative, kind, user, participant, source)
    db.session.add(lead)
    db.session.flush()
    lead_created.send(initiative, lead=lead)
    return lead


@dataclass
class Outsider:
    """An outside person's details from a public form (consent already checked)."""

    name: str
    email: str
    source: str | None = None


def _interest_of(initiative: Initiative, participant: Participant) -> Lead | None:
    return db.session.execute(
        select(Lead).where(
            Lead.initiative_id == initiative.id,
            Lead.participant_id == participant.id,
            Lead.kind == LeadKind.INTEREST,
        )
    ).scalar_one_or_none()


def register_interest(initiative: Initiative, outsider: Outsider) -> Lead:
    """An outside person's interest: one lead per e-mail and initiative, however often they
    send the form (a unique index settles two sent at once)."""
    _check_taking_part(initiative)
    participant = find_or_add_participant(outsider.name, outsider.email)
    lead = _interest_of(initiative, participant)
    if lead is None:
        lead = _new_lead(initiative, LeadKind.INTEREST, None, participant, outsider.source)
        try:
            with db.session.begin_nested():
                db.session.add(lead)
        except IntegrityError:
            lead = _interest_of(initiative, participant)
        else:
            lead_created.send(initiative, lead=lead)
            return lead
    if lead.source is None and outsider.source:
        lead.source = outsider.source[:80]  # the first place they came from that we know
    return lead


# --- the catalog ---------------------------------------------------------------


def _check_taking_part(initiative: Initiative) -> None:
    if not initiative.is_active or initiative.community.is_archived:
        raise DomainError(_("This initiative is not open at the moment."))


def _check_catalog(initiative: Initiative) -> None:
    if not initiative.is_catalog:
        raise DomainError(_("This initiative has no catalog."))
    _check_taking_part(initiative)


def _check_item_fields(initiative: Initiative, title: str, author: str, category: str) -> None:
    if not title.strip():
        raise DomainError(_("Give the book's title."))
    if len(title) > 200 or len(author) > 200:
        raise DomainError(_("Titles and authors are at most 200 characters."))
    if category not in initiative.category_list:
        raise DomainError(_("Choose one of the catalog's categories."))


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
    _check_catalog(initiative)
    _check_item_fields(initiative, title, author, category)
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


def _locked_item(initiative: Initiative | int, item_id: int) -> CatalogItem:
    """The item locked for this transaction; lock_row comes first, as it must."""
    initiative_id = initiative if isinstance(initiative, int) else initiative.id
    item = lock_row(CatalogItem, item_id)
    if item is None or item.initiative_id != initiative_id:
        raise DomainError(_("This book is no longer in the catalog."))
    return item


def _set_status(actor, item: CatalogItem, status: ItemStatus, detail: str = "") -> None:
    before = item.status
    item.status = status
    text = f"{before.value} → {status.value}" + (f"; {detail}" if detail else "")
    audit.record(actor, f"catalog_item.{status.value}", item, text)


def _clear_reservation(item: CatalogItem) -> None:
    item.reserved_by_user_id = None
    item.reserved_by_participant_id = None
    item.reserved_at = None
    item.reservation_expires_at = None
    item.pledged_amount = None


def request_item(
    initiative_id: int,
    item_id: int,
    *,
    pledged,
    user: User | None = None,
    outsider: Outsider | None = None,
    now: datetime | None = None,
) -> CatalogItem:
    """Reserve the item for the requester; of two people at once, exactly one gets it, and
    nobody holds more than RESERVATION_LIMIT_PER_PERSON books of the catalog."""
    user_id = user.id if user is not None else None  # read before the lock expires `user`
    if outsider is not None:
        _check_outside_address(outsider.email)
    # The initiative's row first: one person's parallel requests queue behind each other,
    # so each counts the others' reservations (the item's lock alone would not).
    if lock_row(Initiative, initiative_id) is None:
        raise DomainError(_("This book is no longer in the catalog."))
    item = _locked_item(initiative_id, item_id)
    initiative = item.initiative
    _check_catalog(initiative)
    amount = check_amount(pledged)
    now = now or utcnow()
    if item.status == ItemStatus.RESERVED and _has_expired(item, now):
        _expire(item)
    if item.status == ItemStatus.RESERVED:
        raise DomainError(_("Sorry, someone has just reserved this book."))
    if item.status != ItemStatus.AVAILABLE:
        raise DomainError(_("This book is not available."))
    _check_reservation_limit(initiative, now, user_id=user_id,
                             email=outsider.email if outsider is not None else None)  # fmt: skip
    participant = None
    if outsider is not None:
        participant = find_or_add_participant(outsider.name, outsider.email)
    elif user_id is None:
        raise ValueError("a request comes from a user or an outsider")
    item.reserved_by_user_id = None if participant else user_id
    item.reserved_by_participant_id = participant.id if participant else None
    item.reserved_at = now
    item.reservation_expires_at = now + timedelta(days=initiative.reservation_days)
    item.pledged_amount = amount
    who = f"participant {participant.id}" if participant else f"user {user_id}"
    actor = db.session.get(User, user_id) if user_id else None
    _set_status(actor, item, ItemStatus.RESERVED, f"{who}; pledged {amount} {initiative.currency}")
    record_lead(
        initiative,
        LeadKind.REQUEST,
        user=actor,
        participant=participant,
        source=outsider.source if outsider else None,
    )
    return item


def _held_query(initiative: Initiative, now: datetime, user_id: int | None, email: str | None):
    if (user_id is None) == (email is None):
        raise ValueError("count a user's reservations or an e-mail's")
    query = select(CatalogItem).where(
        CatalogItem.initiative_id == initiative.id,
        CatalogItem.status == ItemStatus.RESERVED,
        or_(
            CatalogItem.reservation_expires_at.is_(None),
            CatalogItem.reservation_expires_at > now,
        ),
    )
    if user_id is not None:
        return query.where(CatalogItem.reserved_by_user_id == user_id)
    return query.join(Participant, Participant.id == CatalogItem.reserved_by_participant_id).where(
        Participant.email == normalise_email(email)
    )


def reservations_held(
    initiative: Initiative, now: datetime, *, user_id: int | None = None, email: str | None = None
) -> int:
    """Books of the catalog reserved (and not run out) by one person: an account's own
    reservations (made signed in, on either page), or an outside e-mail's."""
    held = _held_query(initiative, now, user_id, email).subquery()
    return db.session.execute(select(func.count()).select_from(held)).scalar_one()


@dataclass
class Share:
    """How many books one person may hold reserved, and (when we know who) the ones they do."""

    limit: int
    books: list[CatalogItem] | None = None  # None: we do not know who is asking

    @property
    def held(self) -> int:
        return len(self.books or ())

    @property
    def full(self) -> bool:
        return self.books is not None and self.held >= self.limit


def reservation_share(
    initiative: Initiative, *, user_id: int | None = None, email: str | None = None
) -> Share:
    limit = current_app.config["RESERVATION_LIMIT_PER_PERSON"]
    if user_id is None and not email:
        return Share(limit)
    query = _held_query(initiative, utcnow(), user_id, email)
    books = db.session.execute(query.order_by(CatalogItem.reservation_expires_at)).scalars()
    return Share(limit, list(books))


def _check_reservation_limit(
    initiative: Initiative, now: datetime, *, user_id: int | None, email: str | None
) -> None:
    limit = current_app.config["RESERVATION_LIMIT_PER_PERSON"]
    held = reservations_held(initiative, now, user_id=user_id, email=email)
    if held >= limit:
        raise DomainError(
            ngettext(
                "You already hold %(num)s reserved book here, the most one person may. "
                "Another can be reserved once a donation is confirmed or a reservation ends.",
                "You already hold %(num)s reserved books here, the most one person may. "
                "Another can be reserved once a donation is confirmed or a reservation ends.",
                held,
            )
        )


class SignInToReserve(DomainError):
    """The address typed on the public form is a colleague's: they reserve signed in."""


def _check_outside_address(email: str) -> None:
    """A colleague's address reserves only signed in: otherwise anyone could type it on the
    public page and use up that person's share."""
    email = normalise_email(email)
    if is_allowed_email(email) or find_user_by_email(email) is not None:
        raise SignInToReserve(_("Please sign in to reserve a book with a company address."))


def confirm_donation(actor: User, initiative: Initiative, item_id: int, amount) -> CatalogItem:
    """The donation arrived: record the amount; the book is exchanged."""
    actor_id = actor.id
    item = _locked_item(initiative.id, item_id)
    if item.status not in (ItemStatus.RESERVED, ItemStatus.AVAILABLE):
        raise DomainError(_("Only an available or reserved book can be exchanged."))
    value = check_amount(amount)
    item.donation_amount = value
    item.exchanged_at = utcnow()
    item.reservation_expires_at = None
    _set_status(
        db.session.get(User, actor_id),
        item,
        ItemStatus.EXCHANGED,
        f"donation {value} {item.initiative.currency}",
    )
    return item


def release_reservation(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    actor_id = actor.id
    item = _locked_item(initiative.id, item_id)
    if item.status != ItemStatus.RESERVED:
        raise DomainError(_("This book is not reserved."))
    _clear_reservation(item)
    _set_status(db.session.get(User, actor_id), item, ItemStatus.AVAILABLE, "released")
    return item


def withdraw_item(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    actor_id = actor.id
    item = _locked_item(initiative.id, item_id)
    if item.status in (ItemStatus.EXCHANGED, ItemStatus.WITHDRAWN):
        raise DomainError(_("An exchanged or withdrawn book cannot be withdrawn."))
    _clear_reservation(item)
    _set_status(db.session.get(User, actor_id), item, ItemStatus.WITHDRAWN)
    return item


def approve_item(actor: User, initiative: Initiative, item_id: int) -> CatalogItem:
    """A leader lets an outside participant's book into the catalog."""
    actor_id = actor.id
    item = _locked_item(initiative.id, item_id)
    if item.status != ItemStatus.PENDING:
        raise DomainError(_("This book is not waiting for approval."))
    _set_status(db.session.get(User, actor_id), item, ItemStatus.AVAILABLE, "approved")
    return item


def _has_expired(item: CatalogItem, now: datetime) -> bool:
    return item.reservation_expires_at is not None and item.reservation_expires_at <= now


def _expire(item: CatalogItem) -> None:
    _clear_reservation(item)
    _set_status(None, item, ItemStatus.AVAILABLE, "reservation expired")


def expire_reservations(initiative: Initiative | None = None, now: datetime | None = None) -> int:
    """Make books whose reservation ran out available again; returns how many.

    Each item is changed by a conditional UPDATE, so a confirmation that wins
    the race is never undone.
    """
    now = now or utcnow()
    query = select(CatalogItem.id).where(
        CatalogItem.status == ItemStatus.RESERVED, CatalogItem.reservation_expires_at <= now
    )
    if initiative is not None:
        query = query.where(CatalogItem.initiative_id == initiative.id)
    expired = 0
    for item_id in db.session.execute(query).scalars().all():
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
    return expired


# --- CSV import ---------------------------------------------------------------

CSV_COLUMNS = ("title", "author", "category", "condition")


@dataclass
class ImportRow:
    line: int
    title: str
    author: str
    category: str
    condition: str
    errors: list[str] = field(default_factory=list)


def _condition(value: str) -> ItemCondition | None:
    key = value.strip().lower().replace(" ", "_").replace("-", "_") or ItemCondition.GOOD.value
    return ItemCondition._value2member_map_.get(key)


def parse_catalog_csv(initiative: Initiative, text: str) -> list[ImportRow]:
    """Every row with what is wrong with it; raises DomainError when the file itself is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    if "title" not in headers or "category" not in headers:
        raise DomainError(
            _("The first line must name the columns: title, author, category, condition.")
        )
    reader.fieldnames = headers
    rows: list[ImportRow] = []
    try:
        for record in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                raise DomainError(
                    _("Import at most %(count)s books at a time.", count=MAX_IMPORT_ROWS)
                )
            values = {key: (record.get(key) or "").strip() for key in CSV_COLUMNS}
            if not any(values.values()):
                continue
            row = ImportRow(line=reader.line_num, **values)
            if None in record:
                row.errors.append(_("This row has more cells than there are columns."))
            try:
                _check_item_fields(initiative, row.title, row.author, row.category)
            except DomainError as error:
                row.errors.append(error.message)
            if _condition(row.condition) is None:
                row.errors.append(_("Condition must be like new, good, fair or worn."))
            rows.append(row)
    except csv.Error as error:
        raise DomainError(_("This file is not a CSV file we can read.")) from error
    if not rows:
        raise DomainError(_("The file has no books in it."))
    return rows


def import_catalog_csv(actor: User, initiative: Initiative, text: str) -> int:
    """Add every row as an available book, or none at all if any row is wrong."""
    _check_catalog(initiative)
    rows = parse_catalog_csv(initiative, text)
    broken = [row for row in rows if row.errors]
    if broken:
        raise DomainError(_("%(count)s rows have errors; nothing was imported.", count=len(broken)))
    items = [
        CatalogItem(
            initiative=initiative,
            title=row.title,
            author=row.author,
            category=row.category,
            condition=_condition(row.condition),
            status=ItemStatus.AVAILABLE,
            contributor_user_id=actor.id,
        )
        for row in rows
    ]
    db.session.add_all(items)
    audit.record(actor, "initiative.catalog_imported", initiative, f"{len(items)} books")
    return len(items)


def can_lead(user, initiative: Initiative) -> bool:
    return bool(getattr(user, "is_admin", False)) or is_leader(user, initiative.community)
