"""Who may see reports."""

from community.services import is_leader
from core.permissions import is_admin, is_signed_in, is_smm, rule


@rule("reports.view_community_report")
def _can_view_community_report(user, community) -> bool:
    return is_admin(user) or (is_signed_in(user) and is_leader(user, community))


@rule("reports.view_overview")
def _can_view_overview(user, _obj) -> bool:
    return is_smm(user)
