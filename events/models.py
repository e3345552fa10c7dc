"""Events of a community and the registrations people make for them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from community.models import Community
from core.extensions import db
from core.models import TimestampMixin, str_enum, utcnow
from core.text import rendered_markdown


class EventVisibility(enum.StrEnum):
    MEMBERS = "members"  # the community's members only
    EMPLOYEES = "employees"  # everyone signed in


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Event(TimestampMixin, db.Model):
    """A meeting of a community; times are stored in UTC with the zone it was planned in."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("registration_goal IS NULL OR registration_goal > 0", name="goal_positive"),
        Index("ix_events_community_starts", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = rendered_markdown("description")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. Europe/Kyiv
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]  # None: registration closes at the start
    registration_goal: Mapped[int | None]
    visibility: Mapped[EventVisibility] = mapped_column(
        str_enum(EventVisibility, "event_visibility"), default=EventVisibility.MEMBERS
    )
    cancelled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # iCalendar SEQUENCE: raised on every change so calendar apps replace their copy.
    sequence: Mapped[int] = mapped_column(default=0)

    community: Mapped[Community] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def registration_closes(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or utcnow())

    def is_over(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class Registration(db.Model):
    """One person's place at an event; cancelling and registering again reuse the row."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_registrations_event_status", "event_id", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(
        str_enum(RegistrationStatus, "registration_status")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the person last asked for a seat: the waitlist is served in this order.
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    attended: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class FeedLink(db.Model):
    """How often a person has reset their private calendar feed link.

    The link carries a signed token of the person and this generation; resetting raises
    the generation, so links handed out before stop working. No row: never reset.
    """

    __tablename__ = "feed_links"
    __table_args__ = (CheckConstraint("generation > 0", name="generation_positive"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int]
    reset_at: Mapped[datetime] = mapped_column(default=utcnow)
