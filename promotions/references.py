"""References for the request form: past briefs that beat their target the most."""

from dataclasses import dataclass

from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from promotions.models import (
    BriefStatus,
    Objective,
    PlannedPost,
    PromotionRequest,
)
from promotions.permissions import viewable_communities


@dataclass
class Reference:
    brief: PromotionRequest
    ratio: float
    channels: list[str]
    formats: list[str]
    # May the reader open the brief ("promotions.view")? If not, they learn its title,
    # community, objective, channels, formats and result, but not its text or lessons.
    visible: bool = False


@dataclass
class ReferenceGroup:
    objective: Objective
    references: list[Reference]
    open: bool


def reference_groups(user, chosen: Objective | None = None) -> list[ReferenceGroup]:
    """References for the request form, grouped by objective, the one chosen first and open.

    Three queries in all, whatever the number of communities: the ranking, the
    picked briefs' posts and the reader's led communities (for what they may open).
    """
    picked = references()
    scope = viewable_communities(user)
    groups: dict[Objective, list[Reference]] = {}
    for reference in picked:
        reference.visible = scope is None or reference.brief.community_id in scope
        groups.setdefault(reference.brief.objective, []).append(reference)
    order = sorted(
        groups, key=lambda objective: (objective != chosen, list(Objective).index(objective))
    )
    return [
        ReferenceGroup(
            objective, groups[objective], objective == chosen or (chosen is None and i == 0)
        )
        for i, objective in enumerate(order)
    ]


def references(objective: Objective | None = None, per_objective: int = 3) -> list[Reference]:
    """Past briefs that beat their target the most (actual / target), best first.

    With an objective, only that objective's; otherwise the best few of each.
    Two queries: the ranking (a window function, so each objective gets its own
    top) and the posts of the briefs it picked.
    """
    ratio = cast(PromotionRequest.final_actual, Float) / PromotionRequest.target
    ranked = (
        select(
            PromotionRequest.id,
            ratio.label("ratio"),
            func.row_number()
            .over(
                partition_by=PromotionRequest.objective,
                order_by=(ratio.desc(), PromotionRequest.id.desc()),
            )
            .label("rank"),
        )
        .where(
            PromotionRequest.status == BriefStatus.CLOSED,
            PromotionRequest.final_actual.is_not(None),
            PromotionRequest.target.is_not(None),
            PromotionRequest.objective.is_not(None),
            PromotionRequest.final_actual >= PromotionRequest.target,
        )
        .subquery()
    )
    query = (
        select(PromotionRequest, ranked.c.ratio)
        .join(ranked, ranked.c.id == PromotionRequest.id)
        .options(
            selectinload(PromotionRequest.community),
            selectinload(PromotionRequest.channels),
            selectinload(PromotionRequest.posts).selectinload(PlannedPost.channel),
        )
        .where(ranked.c.rank <= per_objective)
        .order_by(PromotionRequest.objective, ranked.c.ratio.desc(), PromotionRequest.id.desc())
    )
    if objective is not None:
        query = query.where(PromotionRequest.objective == objective)
    result = []
    for brief, brief_ratio in db.session.execute(query):
        channels = sorted({post.channel.name for post in brief.posts}) or [
            channel.name for channel in brief.channels
        ]
        formats = sorted({post.format.value for post in brief.posts})
        result.append(Reference(brief, float(brief_ratio), channels, formats))
    return result
