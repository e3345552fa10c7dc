"""The promotions part of a person's data download: briefs filed and comments
(its notifications are in the notifications part)."""

from sqlalchemy import select

from accounts.models import User
from accounts.views import register_personal_data
from core.extensions import db
from promotions.models import BriefComment, PromotionRequest


def briefs_filed_by(user: User) -> list[dict]:
    briefs = db.session.scalars(
        select(PromotionRequest)
        .where(PromotionRequest.created_by_id == user.id)
        .order_by(PromotionRequest.created_at, PromotionRequest.id)
    )
    return [
        {
            "title": brief.title,
            "promotes": brief.subject_kind,
            "objective": brief.objective and brief.objective.value,
            "target": brief.target,
            "key_message": brief.key_message,
            "audience": brief.audience and brief.audience.value,
            "content_deadline": brief.content_deadline,
            "publish_from": brief.publish_from,
            "publish_until": brief.publish_until,
            "ad_budget": brief.ad_budget,
            "currency": brief.currency.value,
            "references": brief.references,
            "backup_plan": brief.backup_plan,
            "report_format": brief.report_format,
            "status": brief.status.value,
            "created_at": brief.created_at,
            "submitted_at": brief.submitted_at,
        }
        for brief in briefs
    ]


def comments_by(user: User) -> list[dict]:
    rows = db.session.execute(
        select(BriefComment, PromotionRequest.title)
        .join(BriefComment.brief)
        .where(BriefComment.author_id == user.id)
        .order_by(BriefComment.created_at, BriefComment.id)
    ).all()
    return [
        {"brief": title, "body": comment.body, "written_at": comment.created_at}
        for comment, title in rows
    ]


register_personal_data("promotion_briefs", briefs_filed_by)
register_personal_data("brief_comments", comments_by)
