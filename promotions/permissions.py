"""Who may file, see, move and plan promotion briefs."""

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import exists, select

from accounts.sessions import add_session_fact, session_fact
from community.history import active_leader_clause
from community.models import Membership
from community.services import is_leader, led_community_ids
from core.extensions import db
from core.permissions import is_admin, is_signed_in, is_smm, rule
from promotions.subjects import subject_kinds
from promotions.workflow import EDITABLE, PLANNING


def leads(user, community) -> bool:
    return is_admin(user) or (is_signed_in(user) and is_leader(user, community))


def _leads_any_clause(user_id):
    return exists().where(Membership.user_id == user_id, active_leader_clause())


# Every page's header asks it for the "Promotions" entry: read with the signed-in person.
add_session_fact("leads_any_community", _leads_any_clause)


def leads_any_community(user) -> bool:
    """Does the person lead at least one community? A reading request has it from the
    statement that loaded the person; others ask once."""
    if not is_signed_in(user):
        return False
    if has_request_context() and (fact := session_fact(user, "leads_any_community")) is not None:
        return fact
    cache = g.setdefault("_leads_any", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = db.session.execute(select(_leads_any_clause(user.id))).scalar_one()
    return cache[user.id]


@rule("promotions.menu")
def _sees_menu(user, _obj) -> bool:
    """The "Promotions" entry: SMM staff and leaders."""
    return is_smm(user) or leads_any_community(user)


@rule("promotions.browse")
def _can_browse(user, _obj) -> bool:
    """The queue and the calendar: SMM staff and community leaders."""
    return is_smm(user) or leads_any_community(user)


@rule("promotions.plan")
def _can_plan(user, _obj) -> bool:
    """SMM work across all briefs: the calendar in the menu, channel requirements."""
    return is_smm(user)


@rule("promotions.request")
def _can_request(user, community) -> bool:
    return leads(user, community) and not community.is_archived


@rule("promotions.view")
def _can_view(user, brief) -> bool:
    # A brief is private to its community's leaders and SMM: others get a 404.
    return is_smm(user) or leads(user, brief.community)


def viewable_communities(user) -> set[int] | None:
    """ "promotions.view" for many briefs at once: the ids of the communities whose
    briefs the person may open (None: all of them), in at most one query."""
    if is_smm(user) or is_admin(user):
        return None
    if not is_signed_in(user):
        return set()
    return set(led_community_ids(user))


def may_request_for(user, kind: str, thing) -> bool:
    """May the person file a promotion request for `thing` (an event, an initiative) from
    its page? Only for kinds promotions can promote, and only as "promotions.request"."""
    return kind in subject_kinds() and _can_request(user, thing.community)


@dataclass(frozen=True)
class CalendarTitles:
    """Whose brief titles the content calendar shows a person: those of the briefs they may
    open ("promotions.view"); other briefs' posts show only as booked slots."""

    communities: set[int] | None  # None: every brief's

    @property
    def shows_all(self) -> bool:
        return self.communities is None

    def shows(self, brief) -> bool:
        return self.communities is None or brief.community_id in self.communities


def calendar_titles(user) -> CalendarTitles:
    """The calendar's titles for `user`, decided once for the page (one query at most)."""
    return CalendarTitles(viewable_communities(user))


@rule("promotions.edit")
def _can_edit(user, brief) -> bool:
    return leads(user, brief.community) and brief.status in EDITABLE


@rule("promotions.community_side")
def _acts_for_community(user, brief) -> bool:
    return leads(user, brief.community)


@rule("promotions.smm_side")
def _acts_for_smm(user, _brief) -> bool:
    return is_smm(user)


@rule("promotions.plan_posts")
def _can_plan_posts(user, brief) -> bool:
    return is_smm(user) and brief.status in PLANNING


@rule("promotions.manage_channels")
def _can_manage_channels(user, _obj) -> bool:
    return is_admin(user)


@rule("promotions.follow_up")
def _can_follow_up(user, brief) -> bool:
    """Tick off the backup plan: both sides of a brief while it is being published."""
    return (is_smm(user) or leads(user, brief.community)) and brief.status in PLANNING
