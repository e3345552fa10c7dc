"""A community's public page: what people outside the company may see of a community whose
leaders turned it on (while it is off, its address leads to the community page). Name,
description, member count and what higher features add (public initiatives); never a
member's name, its conversations or its events. (The route joins the community blueprint.)"""

from collections.abc import Callable

from flask import redirect, render_template, url_for
from flask_login import current_user

from community import directory as lists
from community import services
from community.models import Community
from community.views import bp
from core.permissions import can

# Higher features add their public part here: a template and a loader community -> context.
# A loader must show only what its feature itself calls public.
PublicSection = tuple[str, Callable[[Community], dict]]
public_sections: list[PublicSection] = []


def register_public_section(template: str, load: Callable[[Community], dict]) -> None:
    if (template, load) not in public_sections:
        public_sections.append((template, load))


@bp.route("/<slug>/public")
def public_show(slug: str):
    community = services.get_community_by_slug(slug)
    if community is None or not can(current_user, "community.view_public", community):
        # Off (or archived, or no such community): a link that was shared while the page was
        # on still leads somewhere, to the community page, which asks outsiders to sign in
        # and decides the rest. Sent whatever the slug, so nothing is told about it here.
        return redirect(url_for("community.show", slug=slug))
    return render_template(
        "community/public.html",
        community=community,
        member_count=lists.active_member_counts([community.id]).get(community.id, 0),
        sections=[(template, load(community)) for template, load in public_sections],
        # Employees go on to the community page (signing in first when they are not).
        community_url=url_for("community.show", slug=community.slug),
    )
