"""Audit log: who changed a role, a status or a donation, and when."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    detail: Mapped[str] = mapped_column(Text, default="")


def record(actor, action: str, subject, detail: str = "") -> AuditEntry:
    """Add an audit entry to the session; the request's commit makes it stick."""
    db.session.flush()  # subjects created in this request need their id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        detail=detail,
    )
    db.session.add(entry)
    return entry
