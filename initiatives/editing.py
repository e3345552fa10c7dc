"""Initiatives themselves: finding them, creating them and changing their settings."""

from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.models import Community
from core import audit
from core.errors import DomainError
from core.extensions import db
from initiatives.models import (
    DEFAULT_CATEGORIES,
    MAX_PAYMENT_INSTRUCTIONS,
    Initiative,
    InitiativeKind,
    InitiativeStatus,
)

MAX_DONATION = Decimal("1000000")


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


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise DomainError(
            _("Use a three-letter currency code, such as UAH, EUR or USD."), field="currency"
        )
    return code


def check_amount(amount, *, allow_zero: bool = False, field: str | None = None) -> Decimal:
    """A donation's amount in the currency's cents; `field` is the form field it came from."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter an amount, such as 350."), field=field) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise DomainError(_("Enter an amount greater than zero."), field=field)
    if value > MAX_DONATION:
        raise DomainError(_("That amount is too large for one book."), field=field)
    return value.quantize(Decimal("0.01"))


INITIATIVE_FIELDS = (
    "title", "kind", "description", "goal", "target", "starts_on", "ends_on", "status",
    "is_public", "beneficiary", "currency", "suggested_donation", "categories", "reservation_days",
    "payment_instructions",
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
        values["suggested_donation"] = check_amount(
            values["suggested_donation"], field="suggested_donation"
        )
    for name, value in values.items():
        setattr(initiative, name, value)
    if not (initiative.title or "").strip():
        raise DomainError(_("Give the initiative a title."), field="title")
    if initiative.starts_on and initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise DomainError(_("The end date comes before the start date."), field="ends_on")
    if len(initiative.payment_instructions or "") > MAX_PAYMENT_INSTRUCTIONS:
        raise DomainError(
            _("Keep the payment instructions under %(num)s characters.",
              num=MAX_PAYMENT_INSTRUCTIONS),
            field="payment_instructions",
        )  # fmt: skip
    if initiative.is_catalog and not initiative.category_list:
        raise DomainError(_("A book exchange needs at least one category."), field="categories")


def create_initiative(actor: User, community: Community, **values) -> Initiative:
    initiative = Initiative(community=community, created_by_id=actor.id)
    values.setdefault("kind", InitiativeKind.GENERAL)
    values.setdefault("status", InitiativeStatus.DRAFT)
    values.setdefault("currency", "UAH")
    for name, default in (
        ("description", ""),
        ("goal", ""),
        ("beneficiary", ""),
        ("payment_instructions", ""),
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


def check_taking_part(initiative: Initiative) -> None:
    if not initiative.is_active or initiative.community.is_archived:
        raise DomainError(_("This initiative is not open at the moment."))


def check_catalog(initiative: Initiative) -> None:
    if not initiative.is_catalog:
        raise DomainError(_("This initiative has no catalog."))
    check_taking_part(initiative)
