"""Audit log: who changed a role, a status or a donation, and when."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    # Reports read a subject's last status change from here (what was true in a past period).
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id"),)

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


def entries_query(action: str = "", subject_type: str = "", actor_id: int | None = None):
    """Newest first, narrowed by an action prefix, a subject type and an actor."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    return query


def subject_types() -> list[str]:
    return list(
        db.session.execute(
            select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type)
        ).scalars()
    )
