"""Communities, memberships (one row per period of membership) and external channels."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.extensions import db
from core.models import TimestampMixin, str_enum, utcnow
from core.text import rendered_markdown


class CommunityKind(enum.StrEnum):
    PRACTICE = "practice"
    INTEREST = "interest"


class JoinPolicy(enum.StrEnum):
    OPEN = "open"
    APPROVAL = "approval"


class MembershipRole(enum.StrEnum):
    MEMBER = "member"
    LEADER = "leader"


class MembershipStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    LEFT = "left"


class Community(TimestampMixin, db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    kind: Mapped[CommunityKind] = mapped_column(str_enum(CommunityKind, "community_kind"))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    description_html: Mapped[str] = rendered_markdown("description")
    join_policy: Mapped[JoinPolicy] = mapped_column(
        str_enum(JoinPolicy, "join_policy"), default=JoinPolicy.OPEN
    )
    archived_at: Mapped[datetime | None]
    # How many of a new member's first posts wait for a leader's approval (0: none).
    hold_first_posts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Stored names of the leaders' logo and cover image (community/pictures.py).
    logo_file: Mapped[str | None] = mapped_column(String(80))
    cover_file: Mapped[str | None] = mapped_column(String(80))
    # Leaders opt in to a page people outside the company can open (community/public_views.py).
    public_page: Mapped[bool] = mapped_column(default=False, server_default=false())

    channels: Mapped[list["ExternalChannel"]] = relationship(
        back_populates="community", cascade="all, delete-orphan", order_by="ExternalChannel.name"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def initials(self) -> str:
        """Shown on a coloured disc while the community has no logo."""
        words = [word for word in self.name.split() if word[:1].isalnum()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class Membership(db.Model):
    """One period of a person's membership; a re-join starts a new row.

    Keeping every period lets growth over any past window be computed.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        # At most one current (pending or active) membership per person and community.
        Index(
            "uq_memberships_current",
            "user_id",
            "community_id",
            unique=True,
            sqlite_where=text("status != 'left'"),
            postgresql_where=text("status != 'left'"),
        ),
        Index("ix_memberships_community_period", "community_id", "joined_at", "left_at"),
        # Member counts and leaders read only current members: a small index serves both.
        Index(
            "ix_memberships_community_active",
            "community_id",
            "role",
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    role: Mapped[MembershipRole] = mapped_column(
        str_enum(MembershipRole, "membership_role"), default=MembershipRole.MEMBER
    )
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "membership_status")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    community: Mapped[Community] = relationship()

    @property
    def is_leader(self) -> bool:
        return self.status == MembershipStatus.ACTIVE and self.role == MembershipRole.LEADER

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class ExternalChannel(TimestampMixin, db.Model):
    """A place outside Guildhall where the community gathers, e.g. its Facebook group."""

    __tablename__ = "external_channels"
    __table_args__ = (UniqueConstraint("community_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(500))

    community: Mapped[Community] = relationship(back_populates="channels")
    snapshots: Mapped[list["ChannelSnapshot"]] = relationship(
        back_populates="channel", cascade="all, delete-orphan", order_by="ChannelSnapshot.taken_on"
    )


class ChannelSnapshot(db.Model):
    """The member count an external channel had on a day."""

    __tablename__ = "channel_snapshots"
    __table_args__ = (UniqueConstraint("channel_id", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("external_channels.id", ondelete="CASCADE"))
    taken_on: Mapped[date]
    member_count: Mapped[int]

    channel: Mapped[ExternalChannel] = relationship(back_populates="snapshots")
