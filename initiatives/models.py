"""Initiatives, catalog items, outside participants and leads."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from community.models import Community
from core.extensions import db
from core.models import TimestampMixin, str_enum, utcnow
from core.text import rendered_markdown

MONEY = Numeric(12, 2)
# The longest payment instructions a leader may write (a few short paragraphs).
MAX_PAYMENT_INSTRUCTIONS = 2000
DEFAULT_CATEGORIES = ("Leadership", "Soft skills", "PMBOK", "Agile & Scrum", "Other")


class InitiativeKind(enum.StrEnum):
    GENERAL = "general"
    CATALOG = "catalog"


class InitiativeStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class ItemCondition(enum.StrEnum):
    LIKE_NEW = "like_new"
    GOOD = "good"
    FAIR = "fair"
    WORN = "worn"


class ItemStatus(enum.StrEnum):
    PENDING = "pending"  # offered by an outside participant, waiting for a leader
    AVAILABLE = "available"
    RESERVED = "reserved"
    EXCHANGED = "exchanged"
    WITHDRAWN = "withdrawn"


# The catalog's items that count in its figures: listed now or exchanged already
# (an offer waiting for a leader, or a withdrawn book, is not in the catalog).
COUNTED_ITEM_STATUSES = (ItemStatus.AVAILABLE, ItemStatus.RESERVED, ItemStatus.EXCHANGED)


class LeadKind(enum.StrEnum):
    INTEREST = "interest"
    CONTRIBUTION = "contribution"
    REQUEST = "request"


class Initiative(TimestampMixin, db.Model):
    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint("suggested_donation IS NULL OR suggested_donation >= 0", name="donation"),
        CheckConstraint("reservation_days >= 1", name="reservation_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InitiativeKind] = mapped_column(str_enum(InitiativeKind, "initiative_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = rendered_markdown("description")
    goal: Mapped[str] = mapped_column(String(300), default="")
    target: Mapped[int | None]  # e.g. books to exchange, or people to reach
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[InitiativeStatus] = mapped_column(
        str_enum(InitiativeStatus, "initiative_status"), default=InitiativeStatus.DRAFT
    )
    is_public: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Catalog initiatives only.
    beneficiary: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3), default="UAH")
    suggested_donation: Mapped[Decimal | None] = mapped_column(MONEY)
    categories: Mapped[str] = mapped_column(Text, default="\n".join(DEFAULT_CATEGORIES))
    reservation_days: Mapped[int] = mapped_column(default=7)
    # How to pay the donation, as the leader wrote it (Markdown): shown to the person
    # holding a book, on the catalog, on their home page and in the reservation's e-mail.
    payment_instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    payment_instructions_html: Mapped[str] = rendered_markdown("payment_instructions")

    community: Mapped[Community] = relationship()

    @property
    def is_catalog(self) -> bool:
        return self.kind == InitiativeKind.CATALOG

    @property
    def is_draft(self) -> bool:
        return self.status == InitiativeStatus.DRAFT

    @property
    def is_active(self) -> bool:
        return self.status == InitiativeStatus.ACTIVE

    @property
    def category_list(self) -> list[str]:
        return [line.strip() for line in self.categories.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r}>"


class Participant(TimestampMixin, db.Model):
    """An outside person who took part on a public initiative page."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogItem(TimestampMixin, db.Model):
    __tablename__ = "catalog_items"
    __table_args__ = (
        Index("ix_catalog_items_initiative_status", "initiative_id", "status"),
        Index("ix_catalog_items_initiative_category", "initiative_id", "category"),
        # Home's "Coming up" finds a person's reservations among every catalog's books.
        Index("ix_catalog_items_reserved_by_status", "reserved_by_user_id", "status"),
        CheckConstraint("pledged_amount IS NULL OR pledged_amount >= 0", name="pledged"),
        CheckConstraint("donation_amount IS NULL OR donation_amount >= 0", name="donation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(80))
    condition: Mapped[ItemCondition] = mapped_column(
        str_enum(ItemCondition, "item_condition"), default=ItemCondition.GOOD
    )
    status: Mapped[ItemStatus] = mapped_column(
        str_enum(ItemStatus, "item_status"), default=ItemStatus.AVAILABLE
    )
    cover_file: Mapped[str | None] = mapped_column(String(80))
    contributor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    contributor_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    reserved_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    reserved_by_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    reserved_at: Mapped[datetime | None]
    reservation_expires_at: Mapped[datetime | None]
    pledged_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    donation_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    exchanged_at: Mapped[datetime | None]

    initiative: Mapped[Initiative] = relationship()
    contributor_user: Mapped[User | None] = relationship(foreign_keys=[contributor_user_id])
    contributor_participant: Mapped[Participant | None] = relationship(
        foreign_keys=[contributor_participant_id]
    )
    reserved_by_user: Mapped[User | None] = relationship(foreign_keys=[reserved_by_user_id])
    reserved_by_participant: Mapped[Participant | None] = relationship(
        foreign_keys=[reserved_by_participant_id]
    )

    def has_run_out(self, moment: datetime) -> bool:
        """A reservation whose time is up at `moment` (its row is changed by a command)."""
        return (
            self.status == ItemStatus.RESERVED
            and self.reservation_expires_at is not None
            and self.reservation_expires_at <= moment
        )

    def status_at(self, moment: datetime) -> ItemStatus:
        """The status people see at `moment`: a reservation that ran out is available."""
        return ItemStatus.AVAILABLE if self.has_run_out(moment) else self.status

    @property
    def shown_status(self) -> ItemStatus:
        return self.status_at(utcnow())

    @property
    def contributor_name(self) -> str:
        person = self.contributor_user or self.contributor_participant
        return getattr(person, "display_name", None) or getattr(person, "name", "")

    @property
    def reserved_by_name(self) -> str:
        person = self.reserved_by_user or self.reserved_by_participant
        return getattr(person, "display_name", None) or getattr(person, "name", "")


class Lead(db.Model):
    """Someone's expression of interest in an initiative, with where it came from."""

    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(
            "participant_id IS NOT NULL OR user_id IS NOT NULL", name="participant_or_user"
        ),
        Index("ix_leads_initiative_created", "initiative_id", "created_at"),
        # An outside person's interest is one lead, however often they send the form.
        Index(
            "uq_leads_interest_participant",
            "initiative_id",
            "participant_id",
            unique=True,
            sqlite_where=text("kind = 'interest'"),
            postgresql_where=text("kind = 'interest'"),
        ),
        # And an employee's ("I'm in"): one lead, which "I'm out" marks withdrawn.
        Index(
            "uq_leads_interest_user",
            "initiative_id",
            "user_id",
            unique=True,
            sqlite_where=text("kind = 'interest' AND user_id IS NOT NULL"),
            postgresql_where=text("kind = 'interest' AND user_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[LeadKind] = mapped_column(str_enum(LeadKind, "lead_kind"))
    source: Mapped[str | None] = mapped_column(String(80))  # attribution, e.g. a tracked link
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An employee who said "I'm out": the row stays (a tracked link's attribution points
    # at it), but it counts nowhere until they say "I'm in" again.
    withdrawn_at: Mapped[datetime | None]

    initiative: Mapped[Initiative] = relationship()
    participant: Mapped[Participant | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def counted_leads(lead=Lead):
    """The one definition of a lead that counts (initiative totals, promotions' outcomes,
    reports, the home page): not withdrawn. `lead` may be an alias of Lead."""
    return lead.withdrawn_at.is_(None)
