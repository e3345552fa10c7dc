"""Promotion requests (briefs), their channels, comments, files, planned posts, notifications."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import JSON

from accounts.models import User
from community.models import Community
from core.extensions import db
from core.models import TimestampMixin, str_enum, utcnow
from core.text import rendered_markdown


class BriefStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    REPORTED = "reported"
    CLOSED = "closed"
    DECLINED = "declined"


class Objective(enum.StrEnum):
    REGISTRATIONS = "registrations"
    LEADS = "leads"
    PAGE_VISITS = "page_visits"
    GROUP_MEMBERS = "group_members"


class Audience(enum.StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    BOTH = "both"


class Currency(enum.StrEnum):
    UAH = "UAH"
    EUR = "EUR"
    USD = "USD"


class ReportFrequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    AT_THE_END = "at_the_end"


class PostFormat(enum.StrEnum):
    POST = "post"
    STORY = "story"
    REEL = "reel"
    VIDEO = "video"
    ARTICLE = "article"


class PostStatus(enum.StrEnum):
    PLANNED = "planned"
    PUBLISHED = "published"


class Channel(db.Model):
    """A channel SMM publishes to; the list is data, kept by admins."""

    __tablename__ = "promotion_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Format notes kept by SMM: sizes, lengths, lead times.
    requirements: Mapped[str] = mapped_column(Text, default="")  # Markdown
    requirements_html: Mapped[str] = rendered_markdown("requirements")

    def __repr__(self) -> str:
        return f"<Channel {self.name}>"


brief_channels = Table(
    "promotion_request_channels",
    db.metadata,
    Column(
        "request_id",
        ForeignKey("promotion_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "channel_id",
        ForeignKey("promotion_channels.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class PromotionRequest(TimestampMixin, db.Model):
    """What a community asks SMM to promote; once submitted it is the brief SMM acts on."""

    __tablename__ = "promotion_requests"
    __table_args__ = (
        CheckConstraint("target IS NULL OR target > 0", name="target_positive"),
        CheckConstraint("ad_budget IS NULL OR ad_budget >= 0", name="budget"),
        Index("ix_promotion_requests_status_deadline", "status", "content_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What is promoted: a kind from promotions.subjects and that thing's id (for an
    # achievement, the community's id); the title and date are copied when filed.
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    subject_starts_at: Mapped[datetime | None]
    title: Mapped[str] = mapped_column(String(200), default="")
    objective: Mapped[Objective | None] = mapped_column(str_enum(Objective, "brief_objective"))
    target: Mapped[int | None]
    key_message: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[Audience | None] = mapped_column(str_enum(Audience, "brief_audience"))
    content_deadline: Mapped[date | None]
    publish_from: Mapped[date | None]
    publish_until: Mapped[date | None]
    ad_budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[Currency] = mapped_column(
        str_enum(Currency, "brief_currency"), default=Currency.UAH
    )
    references: Mapped[str] = mapped_column(Text, default="")  # one web address a line
    backup_plan: Mapped[str] = mapped_column(Text, default="")  # one step a line
    report_format: Mapped[str] = mapped_column(String(300), default="")
    report_frequency: Mapped[ReportFrequency | None] = mapped_column(
        str_enum(ReportFrequency, "brief_report_frequency")
    )
    status: Mapped[BriefStatus] = mapped_column(
        str_enum(BriefStatus, "brief_status"), default=BriefStatus.DRAFT
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")  # why declined / what to change
    report: Mapped[str] = mapped_column(Text, default="")  # SMM's results, Markdown
    report_html: Mapped[str] = rendered_markdown("report")
    lessons: Mapped[str] = mapped_column(Text, default="")  # what to repeat or avoid, Markdown
    lessons_html: Mapped[str] = rendered_markdown("lessons")
    # The outcome as computed when SMM reported, so the final report never drifts.
    final_figures: Mapped[dict | None] = mapped_column(JSON)
    final_actual: Mapped[int | None]  # for ranking references by actual / target
    reported_at: Mapped[datetime | None]
    # Set while the brief is behind its pace (promotions.at_risk.check_at_risk, run from cron).
    at_risk_since: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    community: Mapped[Community] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    channels: Mapped[list[Channel]] = relationship(
        secondary=brief_channels, order_by="(Channel.position, Channel.name)"
    )
    comments: Mapped[list["BriefComment"]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", order_by="BriefComment.id"
    )
    assets: Mapped[list["BriefAsset"]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", order_by="BriefAsset.id"
    )
    posts: Mapped[list["PlannedPost"]] = relationship(
        back_populates="brief",
        cascade="all, delete-orphan",
        order_by="(PlannedPost.scheduled_at, PlannedPost.id)",
    )
    backup_actions: Mapped[list["BackupAction"]] = relationship(
        back_populates="brief", cascade="all, delete-orphan", order_by="BackupAction.position"
    )

    @property
    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]

    @property
    def backup_steps(self) -> list[str]:
        return [line.strip() for line in self.backup_plan.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<PromotionRequest {self.id} {self.status}>"


class BriefComment(db.Model):
    __tablename__ = "promotion_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    body_html: Mapped[str] = rendered_markdown("body")
    # Set when the comment is the reason given with a status change.
    status: Mapped[BriefStatus | None] = mapped_column(str_enum(BriefStatus, "comment_status"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    brief: Mapped[PromotionRequest] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class BriefAsset(db.Model):
    """A file attached to a brief, stored under the instance folder."""

    __tablename__ = "promotion_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_requests.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for people
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    brief: Mapped[PromotionRequest] = relationship(back_populates="assets")


class PlannedPost(TimestampMixin, db.Model):
    """A post on the content calendar; SMM records its address and figures once published."""

    __tablename__ = "planned_posts"
    __table_args__ = (
        CheckConstraint("reach IS NULL OR reach >= 0", name="reach"),
        CheckConstraint("reactions IS NULL OR reactions >= 0", name="reactions"),
        CheckConstraint("clicks IS NULL OR clicks >= 0", name="clicks"),
        Index("ix_planned_posts_scheduled_channel", "scheduled_at", "channel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_requests.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("promotion_channels.id"))
    format: Mapped[PostFormat] = mapped_column(str_enum(PostFormat, "post_format"))
    scheduled_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PostStatus] = mapped_column(
        str_enum(PostStatus, "post_status"), default=PostStatus.PLANNED
    )
    published_url: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime | None]
    reach: Mapped[int | None]
    reactions: Mapped[int | None]
    clicks: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    brief: Mapped[PromotionRequest] = relationship(back_populates="posts")
    channel: Mapped[Channel] = relationship()
    link: Mapped["TrackedLink | None"] = relationship(back_populates="post")


class BackupAction(db.Model):
    """A backup-plan step someone ticked off, with a note of what was done."""

    __tablename__ = "promotion_backup_actions"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("promotion_requests.id", ondelete="CASCADE"))
    position: Mapped[int]  # the step's index in the brief's backup plan
    step: Mapped[str] = mapped_column(Text)  # the step's text when it was ticked
    note: Mapped[str] = mapped_column(Text, default="")
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

    brief: Mapped[PromotionRequest] = relationship(back_populates="backup_actions")
    done_by: Mapped[User | None] = relationship()


class TrackedLink(db.Model):
    """A short link `/go/<code>` for one planned post, leading to a page of the site."""

    __tablename__ = "tracked_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("promotion_requests.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_posts.id", ondelete="CASCADE"), unique=True
    )
    channel_id: Mapped[int] = mapped_column(ForeignKey("promotion_channels.id"))
    target_path: Mapped[str] = mapped_column(String(500))  # always a path on this site
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    brief: Mapped[PromotionRequest] = relationship()
    post: Mapped[PlannedPost | None] = relationship(back_populates="link")
    channel: Mapped[Channel] = relationship()


class LinkVisit(db.Model):
    """Clicks on a tracked link by one visitor on one day.

    The visitor is known only by a hash of their address salted with the day, so
    the same person cannot be followed from one day to the next; `clicks` counts
    every follow, however the browser calls itself.
    """

    __tablename__ = "tracked_link_visits"
    __table_args__ = (UniqueConstraint("link_id", "day", "visitor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_links.id", ondelete="CASCADE"))
    day: Mapped[date]
    visitor: Mapped[str] = mapped_column(String(32))
    clicks: Mapped[int] = mapped_column(default=1)


class Attribution(db.Model):
    """Something a visitor did after arriving through a tracked link.

    `kind` and `object_id` name the row it marks (a registration, a lead, a
    membership); each row is attributed to at most one brief and channel.
    `user_id` is the employee whose action it was (none for an outside
    participant): joining counts once per person and brief, however often
    they leave and join again.
    """

    __tablename__ = "promotion_attributions"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_promotion_attributions_request_kind", "request_id", "kind"),
        Index(
            "uq_promotion_attributions_join_per_person",
            "request_id",
            "user_id",
            unique=True,
            sqlite_where=text("kind = 'membership'"),
            postgresql_where=text("kind = 'membership'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("promotion_requests.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("promotion_channels.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("tracked_links.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # registration | lead | membership
    object_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
