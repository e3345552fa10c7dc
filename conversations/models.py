"""A community's conversations: posts, replies, likes, idea votes, read marks,
reports, watched words and posting bans."""

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from community.models import Community
from conversations.reasons import reason_text
from core.extensions import db
from core.models import str_enum, utcnow
from core.text import rendered_markdown

TITLE_LENGTH = 200
REASON_LENGTH = 500
PHRASE_LENGTH = 100
SUBMIT_TOKEN_LENGTH = 32
REASON_CODE_LENGTH = 20


def _one_per_submit_token(table: str) -> Index:
    """A form sent twice (a double click, a resent page) makes one post or reply: each form
    carries a one-time token, kept with what it made, once per author."""
    where = text("submit_token IS NOT NULL")
    return Index(
        f"uq_{table}_submit_token",
        "author_id",
        "submit_token",
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


CAPTION_LENGTH = 200


class PostKind(enum.StrEnum):
    DISCUSSION = "discussion"
    QUESTION = "question"
    IDEA = "idea"
    ANNOUNCEMENT = "announcement"


class ContentState(enum.StrEnum):
    """Who sees a post or reply: everyone who may read the community, or only
    its author and the moderators."""

    VISIBLE = "visible"
    HELD = "held"  # awaiting approval (first posts, watched words)
    HIDDEN = "hidden"  # hidden by reports or by a leader, until a leader decides
    REMOVED = "removed"  # rejected or removed as spam


class IdeaStatus(enum.StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"


class WatchedWordAction(enum.StrEnum):
    HOLD = "hold"
    REFUSE = "refuse"


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        # The list: a community's visible posts, pinned first, then by last activity.
        Index("ix_posts_listing", "community_id", "state", "pinned", "last_activity_at", "id"),
        Index("ix_posts_kind_listing", "community_id", "state", "kind", "last_activity_at", "id"),
        # The Ideas filter, most votes first; and Unanswered, the questions still open.
        Index("ix_posts_idea_votes", "community_id", "state", "kind", "vote_count", "id"),
        # Home's news: a community's newest visible posts (ids grow with time).
        Index("ix_posts_community_newest", "community_id", "state", "id"),
        Index(
            "ix_posts_unanswered",
            "community_id",
            "last_activity_at",
            "id",
            sqlite_where=text(
                "kind = 'question' AND state = 'visible' AND answer_accepted_at IS NULL"
            ),
            postgresql_where=text(
                "kind = 'question' AND state = 'visible' AND answer_accepted_at IS NULL"
            ),
        ),
        # Posting limits and the author's history in the moderation queue.
        Index("ix_posts_author_created", "author_id", "created_at"),
        _one_per_submit_token("posts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[PostKind] = mapped_column(str_enum(PostKind, "post_kind"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    body_html: Mapped[str] = rendered_markdown("body")
    state: Mapped[ContentState] = mapped_column(
        str_enum(ContentState, "content_state"), default=ContentState.VISIBLE
    )
    # Why it is held, hidden or removed: a code when the site decided (conversations/
    # reasons.py, put in words for each reader), else the words a leader typed.
    state_reason_code: Mapped[str | None] = mapped_column(String(REASON_CODE_LENGTH))
    state_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept figures, changed by the same commands that add or hide what they count.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)  # visible replies
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    # Questions: how long answers took (the accepted reply is marked on the reply).
    first_reply_at: Mapped[datetime | None]
    answer_accepted_at: Mapped[datetime | None]
    # Ideas: where the leaders have put it, and why.
    idea_status: Mapped[IdeaStatus | None] = mapped_column(str_enum(IdeaStatus, "idea_status"))
    idea_status_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))
    # The one-time token of the form that made it (None from scripts and the demo).
    submit_token: Mapped[str | None] = mapped_column(String(SUBMIT_TOKEN_LENGTH))

    community: Mapped[Community] = relationship()
    author: Mapped[User] = relationship()
    # Its pictures, in the order they were added; the database deletes their rows with it.
    images: Mapped[list["PostImage"]] = relationship(
        order_by="PostImage.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_visible(self) -> bool:
        return self.state == ContentState.VISIBLE

    @property
    def state_reason_text(self) -> str | None:
        """Why it is held, hidden or removed, in the current language."""
        return reason_text(self.state_reason_code, self.state_reason)


class PostImage(db.Model):
    """A picture shown with a post: a stored, re-encoded file (conversations/post_images.py),
    seen by whoever may see the post."""

    __tablename__ = "post_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(80))
    caption: Mapped[str | None] = mapped_column(String(CAPTION_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reply(db.Model):
    __tablename__ = "post_replies"
    __table_args__ = (
        # The thread: a post's replies in order, paged by id.
        Index("ix_post_replies_thread", "post_id", "state", "id"),
        Index("ix_post_replies_author_created", "author_id", "created_at"),
        _one_per_submit_token("post_replies"),
        # A question has at most one accepted answer.
        Index(
            "uq_post_replies_accepted",
            "post_id",
            unique=True,
            sqlite_where=text("is_accepted"),
            postgresql_where=text("is_accepted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    body_html: Mapped[str] = rendered_markdown("body")
    state: Mapped[ContentState] = mapped_column(
        str_enum(ContentState, "content_state"), default=ContentState.VISIBLE
    )
    state_reason_code: Mapped[str | None] = mapped_column(String(REASON_CODE_LENGTH))
    state_reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    is_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    submit_token: Mapped[str | None] = mapped_column(String(SUBMIT_TOKEN_LENGTH))

    post: Mapped[Post] = relationship()
    author: Mapped[User] = relationship()

    @property
    def is_visible(self) -> bool:
        return self.state == ContentState.VISIBLE

    @property
    def state_reason_text(self) -> str | None:
        """Why it is held, hidden or removed, in the current language."""
        return reason_text(self.state_reason_code, self.state_reason)


def _one_target() -> CheckConstraint:
    return CheckConstraint("(post_id IS NULL) != (reply_id IS NULL)", name="one_target")


def _one_per_person(table: str, *, where: str = "") -> tuple[Index, Index]:
    """One row per person and post, and per person and reply."""
    extra = f" AND {where}" if where else ""
    return (
        Index(
            f"uq_{table}_post",
            "user_id",
            "post_id",
            unique=True,
            sqlite_where=text(f"post_id IS NOT NULL{extra}"),
            postgresql_where=text(f"post_id IS NOT NULL{extra}"),
        ),
        Index(
            f"uq_{table}_reply",
            "user_id",
            "reply_id",
            unique=True,
            sqlite_where=text(f"reply_id IS NOT NULL{extra}"),
            postgresql_where=text(f"reply_id IS NOT NULL{extra}"),
        ),
    )


class Reaction(db.Model):
    """A "Like" on a post or a reply: one per person."""

    __tablename__ = "reactions"
    __table_args__ = (_one_target(), *_one_per_person("reactions"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("post_replies.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdeaVote(db.Model):
    __tablename__ = "idea_votes"
    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_idea_votes_post_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostRead(db.Model):
    """How far one person has read one post, and whether they muted it.

    One row per person and post they opened: a post is unread while it has no
    row or its last activity is newer; new replies are the post's reply count
    minus the count seen.
    """

    __tablename__ = "post_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
    replies_seen: Mapped[int] = mapped_column(Integer, default=0)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)


class ContentReport(db.Model):
    """A member's report of a post or reply; an item's reports are resolved together."""

    __tablename__ = "content_reports"
    __table_args__ = (
        _one_target(),
        # One open report per person and item.
        *_one_per_person("content_reports", where="resolved_at IS NULL"),
        Index("ix_content_reports_open", "community_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("post_replies.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(REASON_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    reporter: Mapped[User] = relationship(foreign_keys=[user_id])


class WatchedWord(db.Model):
    """A site-wide word or phrase that holds a post for approval or refuses it."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(PHRASE_LENGTH), unique=True)  # lower-cased
    action: Mapped[WatchedWordAction] = mapped_column(
        str_enum(WatchedWordAction, "watched_word_action")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PostingBan(db.Model):
    """A person removed as spam from a community: they may no longer post there."""

    __tablename__ = "posting_bans"
    __table_args__ = (
        UniqueConstraint("community_id", "user_id", name="uq_posting_bans_community_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
