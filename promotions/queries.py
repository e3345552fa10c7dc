"""What the promotion pages read: the queue, the calendar, a brief with what its page shows."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from accounts.models import AS_PERSON_LINK
from community.models import Community
from community.services import led_community_ids
from core.extensions import db
from core.models import utcnow
from core.permissions import is_smm
from promotions.models import (
    BackupAction,
    BriefComment,
    BriefStatus,
    Channel,
    PlannedPost,
    PromotionRequest,
)
from promotions.workflow import OPEN

DUE_SOON_DAYS = 7


# --- the queue --------------------------------------------------------------------


def queue_query(
    user,
    status: BriefStatus | None = None,
    community_id: int | None = None,
    due: str | None = None,
    today: date | None = None,
):
    """The ids of the briefs the person may see, in the queue's order: SMM all but others'
    drafts; leaders their communities'. A page of them is loaded with QUEUE_ROW.

    Sorted and paged as ids alone: sorting SMM's 2,000 whole rows to keep 30 took the
    database five times as long."""
    today = today or utcnow().date()
    query = select(PromotionRequest.id)
    if is_smm(user):
        query = query.where(
            or_(
                PromotionRequest.status != BriefStatus.DRAFT,
                PromotionRequest.created_by_id == user.id,
            )
        )
    else:
        query = query.where(PromotionRequest.community_id.in_(led_community_ids(user)))
    if status is not None:
        query = query.where(PromotionRequest.status == status)
    if community_id:
        query = query.where(PromotionRequest.community_id == community_id)
    if due == "overdue":
        query = query.where(
            PromotionRequest.status.in_(OPEN), PromotionRequest.content_deadline < today
        )
    elif due == "week":
        query = query.where(
            PromotionRequest.status.in_(OPEN),
            PromotionRequest.content_deadline >= today,
            PromotionRequest.content_deadline < today + timedelta(days=DUE_SOON_DAYS),
        )
    return query.order_by(
        PromotionRequest.content_deadline.is_(None),
        PromotionRequest.content_deadline,
        PromotionRequest.id.desc(),
    )


# What the queue shows of each brief on its page (core/paging.py loads them), and no
# more: whole briefs, with their communities' Markdown and their assignees' accounts,
# took longer to load than the page took to render.
QUEUE_ROW = (
    load_only(
        PromotionRequest.title,
        PromotionRequest.subject_kind,
        PromotionRequest.status,
        PromotionRequest.content_deadline,
        PromotionRequest.at_risk_since,
        PromotionRequest.community_id,
        PromotionRequest.assignee_id,
    ),
    joinedload(PromotionRequest.community).load_only(Community.name),
    joinedload(PromotionRequest.assignee).options(*AS_PERSON_LINK),
    selectinload(PromotionRequest.channels).load_only(Channel.name),
)


def deadline_state(brief: PromotionRequest, today: date) -> str | None:
    """ "overdue" or "due-soon" for open briefs whose content deadline is near."""
    if brief.status not in OPEN or brief.content_deadline is None:
        return None
    if brief.content_deadline < today:
        return "overdue"
    if brief.content_deadline < today + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return None


def queue_communities(user) -> list[Row]:
    """(id, name) of the communities the queue can be filtered by, for its select.

    Only the two columns: SMM's select lists every community, and loading 300
    whole objects took longer than the rest of the page's statements together.
    """
    query = select(Community.id, Community.name).order_by(Community.name)
    if not is_smm(user):
        query = query.where(Community.id.in_(led_community_ids(user)))
    return list(db.session.execute(query))


# What each page shows of a brief, loaded with it.
OUTCOME_PAGE = (
    joinedload(PromotionRequest.community),
    joinedload(PromotionRequest.assignee),  # warned when the brief falls behind
    selectinload(PromotionRequest.backup_actions).joinedload(BackupAction.done_by),
)
BRIEF_PAGE = (
    *OUTCOME_PAGE,
    joinedload(PromotionRequest.created_by),
    selectinload(PromotionRequest.channels),
    selectinload(PromotionRequest.assets),
    selectinload(PromotionRequest.comments).joinedload(BriefComment.author),
    selectinload(PromotionRequest.posts).joinedload(PlannedPost.channel),
)


def load_brief_for_page(brief_id: int, page: tuple) -> PromotionRequest | None:
    return db.session.execute(
        select(PromotionRequest).options(*page).where(PromotionRequest.id == brief_id)
    ).scalar_one_or_none()


# --- the calendar -------------------------------------------------------------------


def calendar_posts(start: date, end: date, channel_id: int | None = None) -> list[PlannedPost]:
    """Planned posts from `start` up to (not including) `end`, across all briefs."""
    query = (
        select(PlannedPost)
        .options(
            joinedload(PlannedPost.channel),
            joinedload(PlannedPost.brief).joinedload(PromotionRequest.community),
        )
        .where(
            PlannedPost.scheduled_at >= datetime.combine(start, time(), UTC),
            PlannedPost.scheduled_at < datetime.combine(end, time(), UTC),
        )
        .order_by(PlannedPost.scheduled_at, PlannedPost.id)
    )
    if channel_id:
        query = query.where(PlannedPost.channel_id == channel_id)
    return list(db.session.execute(query).scalars())
