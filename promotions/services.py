"""Promotion rules: filing a request, moving a brief through the workflow, comments
(each telling the other side of the brief) and planned posts."""

from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from accounts.models import User
from community.history import active_leaders
from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import can, is_smm
from core.signals import brief_changed
from core.zones import site_zone
from promotions.assets import add_asset
from promotions.filing import (
    BriefFields,
    apply_fields,
    date_problems,
    fields_of,
    missing_for_submission,
)
from promotions.models import (
    BriefComment,
    BriefStatus,
    Channel,
    PlannedPost,
    PostFormat,
    PostStatus,
    PromotionRequest,
)
from promotions.subjects import Subject, subject_day
from promotions.workflow import COMMUNITY, SMM, STATUS_LABELS, transition_for

# --- filing and editing --------------------------------------------------------------


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
    apply_fields(brief, fields)
    db.session.add(brief)
    db.session.flush()
    return brief


def file_request(
    actor, subject: Subject, fields: BriefFields, uploads=(), submit: bool = False
) -> PromotionRequest:
    """The request form's "save" or "send to SMM" for a new request: the draft, its
    files (name, content), and the submission. A new row needs no lock: no one else
    can see it before the commit."""
    brief = create_request(actor, subject, fields)
    for filename, content in uploads:
        add_asset(actor, brief, filename, content)
    if submit:
        move_locked(actor, brief, BriefStatus.SUBMITTED)
    return brief


def save_request(
    actor, brief_id: int, fields: BriefFields, uploads=(), submit: bool = False
) -> PromotionRequest:
    """The request form's "save" or "send to SMM" for an existing request, under its lock
    (SMM may be moving it at the same moment)."""
    brief = lock_row(PromotionRequest, brief_id)
    if not can(actor, "promotions.edit", brief):
        raise DomainError(
            _("A request can be changed only as a draft or when SMM asks for changes.")
        )
    apply_fields(brief, fields)
    db.session.flush()
    for filename, content in uploads:
        add_asset(actor, brief, filename, content)
    if submit:
        move_locked(actor, brief, BriefStatus.SUBMITTED)
    return brief


# --- the workflow ----------------------------------------------------------------


def transition(
    actor, brief: PromotionRequest, target: BriefStatus, reason: str = "", notify: bool = True
) -> PromotionRequest:
    """Move `brief` to `target` if the workflow allows it for the actor's side.

    Takes the brief's lock first, so two SMM people pressing at once move it once."""
    brief = lock_row(PromotionRequest, brief.id)
    move_locked(actor, brief, target, reason, notify)
    return brief


def submit(actor, brief: PromotionRequest) -> PromotionRequest:
    return transition(actor, brief, BriefStatus.SUBMITTED)


def move_locked(
    actor, brief: PromotionRequest, target: BriefStatus, reason: str = "", notify: bool = True
) -> None:
    """`transition` for a service that holds the brief's lock already (or made it)."""
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
    if step.source == BriefStatus.SCHEDULED and step.target == BriefStatus.ACCEPTED and brief.posts:
        raise DomainError(_("A brief with planned posts stays scheduled."))
    if step.source == BriefStatus.SUBMITTED and step.target == BriefStatus.ACCEPTED:
        brief.assignee = actor
    previous = brief.status
    brief.status = step.target
    brief.status_reason = reason
    if reason:
        brief.comments.append(BriefComment(author=actor, body=reason, status=step.target))
    detail = f"{previous} → {step.target}" + (f": {reason}" if reason else "")
    audit.record(actor, "brief.status", brief, detail)
    if notify:
        _notify(brief, actor, step.side, step.target.value, reason)


# --- comments and notifications ----------------------------------------------------


def add_comment(actor, brief: PromotionRequest, body: str) -> BriefComment:
    body = body.strip()
    if not body:
        raise DomainError(_("Write a comment first."))
    comment = BriefComment(author=actor, body=body)
    brief.comments.append(comment)
    side = SMM if is_smm(actor) else COMMUNITY
    _notify(brief, actor, side, "comment", body)
    db.session.flush()
    return comment


def _community_side_people(brief: PromotionRequest) -> list[User]:
    if brief.created_by is not None and brief.created_by.active:
        return [brief.created_by]
    return active_leaders([brief.community_id], only_active_accounts=True)[brief.community_id]


def _smm_side_people(brief: PromotionRequest) -> list[User]:
    if brief.assignee is not None and brief.assignee.active:
        return [brief.assignee]
    return list(
        db.session.execute(select(User).where(User.is_smm, User.active).order_by(User.id)).scalars()
    )


def _notify(brief: PromotionRequest, actor, side: str, event: str, note: str = "") -> None:
    """Tell the other side of the brief what happened, with the reason or comment
    (notifications/kinds.py listens)."""
    people = _smm_side_people(brief) if side == COMMUNITY else _community_side_people(brief)
    recipients = [person for person in people if person.id != getattr(actor, "id", None)]
    if recipients:
        brief_changed.send(brief, actor=actor, event=event, recipients=recipients, note=note)


# --- planned posts ---------------------------------------------------------------------


def add_planned_post(
    actor,
    brief: PromotionRequest,
    channel: Channel,
    format: PostFormat,
    scheduled_at: datetime,
    notes: str = "",
) -> PlannedPost:
    """A post on the calendar; the first one schedules an accepted brief. Takes the brief's
    lock first."""
    brief = lock_row(PromotionRequest, brief.id)
    _check_post_plan(actor, brief, channel, scheduled_at)
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
        move_locked(actor, brief, BriefStatus.SCHEDULED)
    return post


def update_planned_post(
    actor,
    post: PlannedPost,
    channel: Channel,
    format: PostFormat,
    scheduled_at: datetime,
    notes: str = "",
) -> PlannedPost:
    """Move a planned post to another channel, format or time before it is published."""
    brief = lock_row(PromotionRequest, post.request_id)
    _check_post_plan(actor, brief, channel, scheduled_at)
    _check_not_published(post)
    post.channel, post.format = channel, PostFormat(format)
    post.scheduled_at, post.notes = scheduled_at, notes.strip()
    db.session.flush()
    return post


def delete_planned_post(actor, post: PlannedPost) -> None:
    """Take a post off the calendar; without posts, a scheduled brief is accepted again."""
    brief = lock_row(PromotionRequest, post.request_id)
    if not can(actor, "promotions.plan_posts", brief):
        raise DomainError(_("Posts are planned by SMM once the brief is accepted."))
    _check_not_published(post)
    brief.posts.remove(post)
    db.session.delete(post)
    db.session.flush()
    if brief.status == BriefStatus.SCHEDULED and not brief.posts:
        move_locked(actor, brief, BriefStatus.ACCEPTED, notify=False)


def _check_post_plan(actor, brief: PromotionRequest, channel: Channel, scheduled_at: datetime):
    if not can(actor, "promotions.plan_posts", brief):
        raise DomainError(_("Posts are planned by SMM once the brief is accepted."))
    if not channel.active:
        raise DomainError(_("This channel is no longer in use."), "channel")
    # The window is in days of the site's zone, as the brief's form shows them.
    day = scheduled_at.astimezone(site_zone()).date()
    if (brief.publish_from and day < brief.publish_from) or (
        brief.publish_until and day > brief.publish_until
    ):
        raise DomainError(
            _(
                "Plan the post within the publication window, %(start)s – %(end)s.",
                start=format_date(brief.publish_from, "medium") if brief.publish_from else "…",
                end=format_date(brief.publish_until, "medium") if brief.publish_until else "…",
            ),
            "scheduled_at",
        )


def _check_not_published(post: PlannedPost) -> None:
    if post.status == PostStatus.PUBLISHED:
        raise DomainError(_("This post is published already: its figures stay with the brief."))


def record_publication(
    actor,
    post: PlannedPost,
    url: str,
    reach: int | None = None,
    reactions: int | None = None,
    clicks: int | None = None,
) -> PlannedPost:
    if not is_smm(actor):
        raise DomainError(_("Only SMM staff can do this."), "published_url")
    if not url.lower().startswith(("https://", "http://")):
        raise DomainError(_("Enter a web address starting with https://."), "published_url")
    post.published_url = url.strip()
    post.reach, post.reactions, post.clicks = reach, reactions, clicks
    if post.status != PostStatus.PUBLISHED:
        post.status = PostStatus.PUBLISHED
        post.published_at = utcnow()
    db.session.flush()
    return post
