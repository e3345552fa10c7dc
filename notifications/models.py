"""Notifications: what a person is told, how they want to be told, and the digests sent."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.extensions import db
from core.models import str_enum, utcnow

SUBJECT_LENGTH = 200


class Delivery(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL_NOW = "email_now"
    DAILY_DIGEST = "daily_digest"
    OFF = "off"


class Notification(db.Model):
    """One thing a person is told about, read or not."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's count: the unread rows of one person, read from the index alone.
        Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
        # The list: one person's, newest first.
        Index("ix_notifications_recipient_created", "recipient_id", "created_at"),
        # A signal sent twice (two leaders approving one request at once) tells once.
        UniqueConstraint("recipient_id", "dedupe_key", name="uq_notifications_dedupe"),
        # The digest's work: the rows meant for it that no digest has taken yet.
        Index(
            "ix_notifications_digest_waiting",
            "recipient_id",
            sqlite_where=text("delivery = 'daily_digest' AND digested_at IS NULL"),
            postgresql_where=text("delivery = 'daily_digest' AND digested_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # In the recipient's language when it was made; a kind that words its subject from
    # `params` (Kind.subject_from) says it afresh in the reader's language when shown.
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    params: Mapped[dict | None] = mapped_column(JSON)
    # Where it leads: url_for(endpoint, **url_args), or else a path on this site.
    endpoint: Mapped[str | None] = mapped_column(String(80))
    url_args: Mapped[dict] = mapped_column(JSON, default=dict)
    path: Mapped[str | None] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    # Chosen when it was made: a digest mails the rows that were meant for it.
    delivery: Mapped[Delivery] = mapped_column(str_enum(Delivery, "notification_delivery"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When a daily digest took it: each row goes in exactly one digest.
    digested_at: Mapped[datetime | None]

    recipient: Mapped[User] = relationship()

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class DeliveryChoice(db.Model):
    """A person's choice for one kind; without one, the kind's default applies."""

    __tablename__ = "notification_delivery_choices"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_delivery_choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[Delivery] = mapped_column(str_enum(Delivery, "notification_delivery"))


class DigestSent(db.Model):
    """The daily digest of one person on one day: inserted before the mail is queued,
    so a second run (or a second host) finds it and sends nothing."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_notification_digest_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The newest notification it held (for the record: each row's digested_at says which
    # rows went, since ids may commit out of order).
    last_notification_id: Mapped[int | None]
