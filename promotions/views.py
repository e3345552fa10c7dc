"""The promotions blueprint: its menu entries, what it adds to lower features' pages, and
loading a brief for a page. The pages themselves: request_views (the request form),
brief_views (the brief and its planned posts), queue_views (the queue),
calendar_views, channel_views, outcome_views."""

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.views import register_community_section
from core.extensions import db
from core.navigation import add_nav_item
from core.permissions import require
from events.page_actions import register_event_action
from initiatives.lead_sources import register_source_labeller
from initiatives.page_actions import register_initiative_action
from promotions import permissions, queries
from promotions.models import BriefStatus, Channel, PlannedPost, PromotionRequest, TrackedLink
from promotions.subjects import kind_label
from promotions.workflow import STATUS_LABELS

bp = Blueprint("promotions", __name__, url_prefix="/promotions")


add_nav_item("promotions.queue", _l("Promotions"), "promotions.menu", 40)
add_nav_item("promotions.calendar", _l("Calendar"), "promotions.plan", 45)


# --- on lower features' pages -------------------------------------------------------


def _community_section(community, user) -> dict:
    return {"community": community}


register_community_section("promotions/_community_section.html", _community_section)


def _request_button(kind: str):
    """The "New promotion request" button on an event's or initiative's page, for those
    who may file one for it."""

    def button(thing, user) -> tuple[str, str] | None:
        if not permissions.may_request_for(user, kind, thing):
            return None
        return _("New promotion request"), url_for("promotions.new", kind=kind, ref=thing.id)

    return button


register_event_action(_request_button("event"))
register_initiative_action(_request_button("initiative"))


def _tracked_link_labels(sources: set[str]) -> dict[str, str]:
    """A lead that came through a tracked link: the link's channel and brief, not its code."""
    rows = db.session.execute(
        select(TrackedLink.code, Channel.name, PromotionRequest.title)
        .join(Channel, Channel.id == TrackedLink.channel_id)
        .join(PromotionRequest, PromotionRequest.id == TrackedLink.request_id)
        .where(TrackedLink.code.in_(sources))
    ).all()
    return {
        code: _("%(channel)s · %(brief)s", channel=channel, brief=title or _("Untitled request"))
        for code, channel, title in rows
    }


register_source_labeller(_tracked_link_labels)


@bp.app_template_global()
def brief_status_label(status) -> str:
    return str(STATUS_LABELS[BriefStatus(status)])


@bp.app_template_global()
def subject_kind_label(kind: str) -> str:
    return str(kind_label(kind))


# --- loading ----------------------------------------------------------------------


def load_brief(brief_id: int, action: str = "promotions.view", page: tuple = ()):
    """The brief, once the current user may see it (404 otherwise) and do `action` (403).

    `page`: what a page shows of it, loaded with it (queries.BRIEF_PAGE, OUTCOME_PAGE)."""
    require("site.browse")
    if page:
        brief = queries.load_brief_for_page(brief_id, page)
    else:
        brief = db.session.get(PromotionRequest, brief_id)
    if brief is None:
        abort(404)
    require("promotions.view", brief, hide=True)
    if action != "promotions.view":
        require(action, brief)
    return brief


def load_post(brief: PromotionRequest, post_id: int) -> PlannedPost:
    """A planned post of `brief` (404 for another brief's)."""
    post = db.get_or_404(PlannedPost, post_id)
    if post.request_id != brief.id:
        abort(404)
    return post
