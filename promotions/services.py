"""Promotion rules: filing a request, moving a brief through the workflow, files,
comments, notifications, planned posts and the channel list."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from accounts.mail import email_user, register_email_kind
from accounts.models import User
from community.models import Community, Membership, MembershipRole, MembershipStatus
from community.services import led_community_ids
from core import audit
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.permissions import can, is_smm
from promotions.models import (
    Audience,
    BackupAction,
    BriefAsset,
    BriefComment,
    BriefStatus,
    Channel,
    Currency,
    Notification,
    Objective,
    PlannedPost,
    PostFormat,
    PostStatus,
    PromotionRequest,
    ReportFrequency,
)
from promotions.subjects import Subject, subject_day
from promotions.workflow import COMMUNITY, OPEN, SMM, STATUS_LABELS, transition_for

register_email_kind("briefs", _l("News on the promotion briefs I work on"))

DEFAULT_CHANNELS = [
    ("Facebook", "Image 1200×630 px; up to 500 characters read best. Send 5 working days ahead."),
    (
        "Instagram",
        "Stories 1080×1920 px, up to 15 s each; feed 1080×1350 px. 5 working days ahead.",
    ),
    ("LinkedIn", "Image 1200×627 px; the first two lines decide the click. 5 working days ahead."),
    ("YouTube", "Video 16:9, 1920×1080 px, thumbnail 1280×720 px. Send 10 working days ahead."),
    (
        "Internal newsletter",
        "Title up to 80 characters, 2–3 sentences, one link. Closes Wednesdays.",
    ),
]

DEFAULT_BACKUP_PLAN = [
    _l("Reserve posts ready to publish if registrations lag"),
    _l("Reminders a week and a day before"),
    _l("Spare creatives (another photo or angle)"),
    _l("Extra promotion budget agreed in advance"),
]

ALLOWED_ASSET_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_ASSET_BYTES = 20 * 1024 * 1024
DUE_SOON_DAYS = 7


# --- channels ----------------------------------------------------------------


def active_channels() -> list[Channel]:
    return list(
        db.session.execute(
            select(Channel).where(Channel.active).order_by(Channel.position, Channel.name)
        ).scalars()
    )


def all_channels() -> list[Channel]:
    return list(
        db.session.execute(select(Channel).order_by(Channel.position, Channel.name)).scalars()
    )


def add_channel(name: str, requirements: str = "", position: int | None = None) -> Channel:
    name = name.strip()
    if db.session.execute(
        select(Channel.id).where(func.lower(Channel.name) == name.lower())
    ).first():
        raise DomainError(_("A channel with this name exists already."))
    if position is None:
        position = (db.session.execute(select(func.max(Channel.position))).scalar() or 0) + 10
    channel = Channel(name=name, requirements=requirements.strip(), position=position)
    db.session.add(channel)
    flush_or_refuse(_("A channel with this name exists already."))
    return channel


def update_channel(channel: Channel, **changes) -> Channel:
    name = changes.get("name")
    renamed = name is not None and name.strip().lower() != channel.name.lower()
    if (
        renamed
        and db.session.execute(
            select(Channel.id).where(func.lower(Channel.name) == name.strip().lower())
        ).first()
    ):
        raise DomainError(_("A channel with this name exists already."))
    for key, value in changes.items():
        if value is not None:
            setattr(channel, key, value.strip() if isinstance(value, str) else value)
    flush_or_refuse(_("A channel with this name exists already."))
    return channel


def ensure_default_channels() -> list[Channel]:
    """The usual channels, added where missing (demo data, fresh sites)."""
    existing = {c.name.lower() for c in all_channels()}
    for position, (name, requirements) in enumerate(DEFAULT_CHANNELS, start=1):
        if name.lower() not in existing:
            add_channel(name, requirements, position * 10)
    return active_channels()


# --- filing and editing --------------------------------------------------------


@dataclass
class BriefFields:
    """What the request form holds; every field may be empty in a draft."""

    title: str = ""
    objective: Objective | None = None
    target: int | None = None
    key_message: str = ""
    audience: Audience | None = None
    channels: list[Channel] | None = None
    content_deadline: date | None = None
    publish_from: date | None = None
    publish_until: date | None = None
    ad_budget: Decimal | None = None
    currency: Currency = Currency.UAH
    references: str = ""
    backup_plan: str = ""
    report_format: str = ""
    report_frequency: ReportFrequency | None = None


def suggested_fields(subject: Subject) -> BriefFields:
    """A new request starts from what it promotes."""
    return BriefFields(
        title=subject.title,
        objective=subject.objective,
        target=subject.target,
        backup_plan="\n".join(str(step) for step in DEFAULT_BACKUP_PLAN),
        report_frequency=ReportFrequency.AT_THE_END,
    )


LONGEST_WINDOW_DAYS = 366  # a campaign longer than a year is a typing mistake


def date_problems(fields: BriefFields, event_day: date | None, today: date) -> dict:
    """Field name → what is wrong with the dates; empty when they fit together. `event_day`
    is the day the subject takes place, in its own time zone."""
    problems = {}
    if fields.content_deadline and fields.content_deadline < today:
        problems["content_deadline"] = _("The content deadline has passed; choose a later day.")
    if fields.publish_from and fields.publish_until and fields.publish_until < fields.publish_from:
        problems["publish_until"] = _("The window must end on or after the day it starts.")
    elif (
        fields.publish_from
        and fields.publish_until
        and ((fields.publish_until - fields.publish_from).days >= LONGEST_WINDOW_DAYS)
    ):
        problems["publish_until"] = _(
            "A publication window lasts at most a year; choose an earlier last day."
        )
    late = fields.content_deadline and fields.publish_from
    if late and fields.content_deadline > fields.publish_from:
        problems.setdefault(
            "content_deadline",
            _("SMM needs the content by the first publication day at the latest."),
        )
    if event_day:
        if fields.publish_until and fields.publish_until > event_day:
            problems.setdefault(
                "publish_until",
                _("Publication must end by the event day (%(day)s).", day=event_day.isoformat()),
            )
        if fields.publish_from and fields.publish_from > event_day:
            problems["publish_from"] = _(
                "Publication must start before the event (%(day)s).", day=event_day.isoformat()
            )
        if fields.content_deadline and fields.content_deadline > event_day:
            problems.setdefault(
                "content_deadline", _("The content deadline must come before the event.")
            )
    return problems


REQUIRED_FOR_SUBMISSION = {
    "title": _l("Say what is promoted."),
    "objective": _l("Choose what the content must achieve."),
    "target": _l("Give the number that means success."),
    "key_message": _l("Write the one thing people should remember."),
    "audience": _l("Choose who the content is for."),
    "channels": _l("Tick at least one channel."),
    "content_deadline": _l("Give the day SMM gets the content."),
    "publish_from": _l("Give the first publication day."),
    "publish_until": _l("Give the last publication day."),
    "report_frequency": _l("Choose how often results are reported."),
}


def missing_for_submission(fields: BriefFields) -> dict:
    """Field name → message, for each field SMM cannot act without."""
    return {
        name: str(message)
        for name, message in REQUIRED_FOR_SUBMISSION.items()
        if getattr(fields, name) in (None, "", [])
    }


def fields_of(brief: PromotionRequest) -> BriefFields:
    return BriefFields(**{name: getattr(brief, name) for name in BriefFields.__dataclass_fields__})


def _apply(brief: PromotionRequest, fields: BriefFields) -> None:
    for name in BriefFields.__dataclass_fields__:
        value = getattr(fields, name)
        if name == "channels":
            brief.channels = list(value or [])
        elif isinstance(value, str):
            setattr(brief, name, value.strip())
        else:
            setattr(brief, name, value)


def create_request(actor, subject: Subject, fields: BriefFields) -> PromotionRequest:
    """A draft request for `subject`; the actor must lead the subject's community."""
    if not can(actor, "promotions.request", subject.community):
        raise DomainError(_("Only the community's leaders can file a promotion request."))
    brief = PromotionRequest(
        community=subject.community,
        created_by=actor,
        subject_kind=subject.kind,
        subject_id=subject.ref,
        subject_starts_at=subject.starts_at,
        status=BriefStatus.DRAFT,
    )
    _apply(brief, fields)
    db.session.add(brief)
    db.session.flush()
    return brief


def update_request(actor, brief: PromotionRequest, fields: BriefFields) -> PromotionRequest:
    if not can(actor, "promotions.edit", brief):
        raise DomainError(
            _("A request can be changed only as a draft or when SMM asks for changes.")
        )
    _apply(brief, fields)
    db.session.flush()
    return brief


# --- the workflow ----------------------------------------------------------------


def transition(
    actor, brief: PromotionRequest, target: BriefStatus, reason: str = "", notify: bool = True
) -> None:
    """Move `brief` to `target` if the workflow allows it for the actor's side."""
    step = transition_for(brief.status, target)
    if step is None:
        raise DomainError(
            _(
                "A brief that is %(status)s cannot become %(target)s.",
                status=STATUS_LABELS[brief.status],
                target=STATUS_LABELS[BriefStatus(target)],
            )
        )
    if not can(actor, f"promotions.{step.side}_side", brief):
        raise DomainError(
            _("Only SMM staff can do this.")
            if step.side == SMM
            else _("Only the community's leaders can do this.")
        )
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise DomainError(_("Say why, so that the community knows what to do next."))
    if step.target == BriefStatus.SUBMITTED:
        fields = fields_of(brief)
        problems = missing_for_submission(fields)
        event_day = subject_day(brief.subject_kind, brief.subject_id, brief.subject_starts_at)
        problems.update(date_problems(fields, event_day, utcnow().date()))
        if problems:
            raise DomainError(
                _(
                    "The request is not ready for SMM: %(problems)s",
                    problems=" ".join(problems.values()),
                )
            )
        brief.submitted_at = utcnow()
    if step.target == BriefStatus.SCHEDULED and not brief.posts:
        raise DomainError(_("A brief is scheduled once it has planned posts."))
    if step.target == BriefStatus.ACCEPTED:
        brief.assignee = actor
    previous = brief.status
    brief.status = step.target
    brief.status_reason = reason
    if reason:
        brief.comments.append(BriefComment(author=actor, body=reason, status=step.target))
    detail = f"{previous} → {step.target}" + (f": {reason}" if reason else "")
    audit.record(actor, "brief.status", brief, detail)
    if notify:
        _notify(brief, actor, step.side, step.target.value)


def submit(actor, brief: PromotionRequest) -> None:
    transition(actor, brief, BriefStatus.SUBMITTED)


# --- comments and notifications ----------------------------------------------------


def add_comment(actor, brief: PromotionRequest, body: str) -> BriefComment:
    body = body.strip()
    if not body:
        raise DomainError(_("Write a comment first."))
    comment = BriefComment(author=actor, body=body)
    brief.comments.append(comment)
    side = SMM if is_smm(actor) else COMMUNITY
    _notify(brief, actor, side, "comment")
    db.session.flush()
    return comment


def _community_side_people(brief: PromotionRequest) -> list[User]:
    if brief.created_by is not None and brief.created_by.active:
        return [brief.created_by]
    return list(
        db.session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == brief.community_id,
                Membership.role == MembershipRole.LEADER,
                Membership.status == MembershipStatus.ACTIVE,
                User.active,
            )
        ).scalars()
    )


def _smm_side_people(brief: PromotionRequest) -> list[User]:
    if brief.assignee is not None and brief.assignee.active:
        return [brief.assignee]
    return list(db.session.execute(select(User).where(User.is_smm, User.active)).scalars())


def _notify(brief: PromotionRequest, actor, side: str, event: str) -> None:
    """Tell the other side of the brief what happened: in the app, and by e-mail."""
    people = _smm_side_people(brief) if side == COMMUNITY else _community_side_people(brief)
    for person in people:
        if person.id != getattr(actor, "id", None):
            db.session.add(
                Notification(user_id=person.id, brief=brief, actor_id=actor.id, event=event)
            )
            email_user(person, "briefs", "brief_update", brief=brief, actor=actor, event=event)


def unread_count(user) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def notifications_for(user, limit: int = 50) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .options(joinedload(Notification.brief), joinedload(Notification.actor))
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        ).scalars()
    )


def mark_all_read(user) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


# --- files ----------------------------------------------------------------------


def asset_folder() -> Path:
    """Where attached files live: the "briefs" folder of UPLOAD_DIR (never static/)."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / "briefs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def asset_problem(filename: str, size: int) -> str | None:
    """Why a file may not be attached, or None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_ASSET_TYPES:
        return _(
            "%(name)s: attach images (PNG, JPEG, GIF, WebP), PDF, MP4/MOV video, PPTX or DOCX.",
            name=filename,
        )
    if size == 0:
        return _("%(name)s is empty.", name=filename)
    if size > MAX_ASSET_BYTES:
        return _("%(name)s is larger than %(mb)s MB.", name=filename, mb=MAX_ASSET_BYTES // 2**20)
    return None


def add_asset(actor, brief: PromotionRequest, filename: str, content: bytes) -> BriefAsset:
    # No control characters (a line break would break the download's header).
    filename = "".join(c for c in filename if c.isprintable())
    filename = Path(filename.replace("\\", "/")).name[:200] or "file"
    problem = asset_problem(filename, len(content))
    if problem:
        raise DomainError(problem)
    extension = filename.rsplit(".", 1)[-1].lower()
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    (asset_folder() / stored_name).write_bytes(content)
    asset = BriefAsset(
        filename=filename,
        stored_name=stored_name,
        content_type=ALLOWED_ASSET_TYPES[extension],
        size=len(content),
        uploaded_by_id=actor.id,
    )
    brief.assets.append(asset)
    db.session.flush()
    return asset


def asset_path(asset: BriefAsset) -> Path:
    return asset_folder() / asset.stored_name


def remove_asset(brief: PromotionRequest, asset: BriefAsset) -> None:
    brief.assets.remove(asset)
    asset_path(asset).unlink(missing_ok=True)
    db.session.flush()


# --- the content calendar ------------------------------------------------------------


def add_planned_post(
    actor,
    brief: PromotionRequest,
    channel: Channel,
    format: PostFormat,
    scheduled_at: datetime,
    notes: str = "",
) -> PlannedPost:
    if not can(actor, "promotions.plan_posts", brief):
        raise DomainError(_("Posts are planned by SMM once the brief is accepted."))
    if not channel.active:
        raise DomainError(_("This channel is no longer in use."))
    post = PlannedPost(
        channel=channel,
        format=PostFormat(format),
        scheduled_at=scheduled_at,
        notes=notes.strip(),
        created_by_id=actor.id,
    )
    brief.posts.append(post)
    db.session.flush()
    if brief.status == BriefStatus.ACCEPTED:
        transition(actor, brief, BriefStatus.SCHEDULED)
    return post


def record_publication(
    actor,
    post: PlannedPost,
    url: str,
    reach: int | None = None,
    reactions: int | None = None,
    clicks: int | None = None,
) -> PlannedPost:
    if not is_smm(actor):
        raise DomainError(_("Only SMM staff can do this."))
    if not url.lower().startswith(("https://", "http://")):
        raise DomainError(_("Enter a web address starting with https://."))
    post.published_url = url.strip()
    post.reach, post.reactions, post.clicks = reach, reactions, clicks
    if post.status != PostStatus.PUBLISHED:
        post.status = PostStatus.PUBLISHED
        post.published_at = utcnow()
    db.session.flush()
    return post


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


# What the queue shows of each brief on its page (core/paging.py loads them).
QUEUE_ROW = (
    joinedload(PromotionRequest.community),
    joinedload(PromotionRequest.assignee),
    selectinload(PromotionRequest.channels),
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
