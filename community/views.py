"""Community pages: directory, community page, members, channels, and their actions."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.people_views import register_person_section
from accounts.services import find_user_by_email
from accounts.views import register_personal_data, register_profile_section
from community import directory as lists
from community import history, services
from community.forms import (
    PICTURE_FORMS,
    ChannelForm,
    EditCommunityForm,
    NewCommunityForm,
    SnapshotForm,
)
from community.models import Community, CommunityKind, ExternalChannel, Membership, MembershipRole
from community.pictures import PICTURES
from core import commands
from core.charts import line_chart
from core.confirm import ask_first
from core.extensions import db
from core.navigation import add_nav_item
from core.paging import paginate
from core.permissions import can, require, requires

bp = Blueprint("community", __name__, url_prefix="/communities")

add_nav_item("community.directory", _l("Communities"), "site.browse", 10)

register_profile_section(
    "community/_my_communities.html", lambda user: {"memberships": services.memberships_of(user)}
)
register_personal_data("memberships", lists.membership_history_data)
register_person_section(
    "community/_person_communities.html",
    lambda user: {"memberships": services.active_memberships_of(user)},
)

# Higher features (events, initiatives, promotions) add their part of the
# community page here: a template and a loader (community, user) -> context.
CommunitySection = tuple[str, Callable[[Community, object], dict]]
community_sections: list[CommunitySection] = []


def register_community_section(template: str, load: Callable[[Community, object], dict]) -> None:
    if (template, load) not in community_sections:
        community_sections.append((template, load))


# Links in the community page's header ("Report", …): endpoint, label, permission.
community_links: list[tuple[str, object, str]] = []


def register_community_link(endpoint: str, label, action: str) -> None:
    if all(link[0] != endpoint for link in community_links):
        community_links.append((endpoint, label, action))


def load_community(slug: str, action: str = "community.view") -> Community:
    """The community for `slug`, after checking the current user may do `action` on it."""
    require("site.browse")  # signed-out people sign in first, whether or not it exists
    community = services.get_community_by_slug(slug)
    if community is None:
        abort(404)
    require("community.view", community, hide=True)
    if action != "community.view":
        require(action, community)
    return community


def _load_membership(community: Community, membership_id: int) -> Membership:
    membership = db.get_or_404(Membership, membership_id)
    if membership.community_id != community.id:
        abort(404)
    return membership


@bp.route("/")
@requires("site.browse")
def directory():
    kind = request.args.get("kind")
    kind = CommunityKind(kind) if kind in CommunityKind._value2member_map_ else None
    show_archived = request.args.get("archived") == "1" and can(current_user, "community.create")
    page = paginate(lists.directory_query(kind, include_archived=show_archived), 24)
    shown_ids = [c.id for c in page.items]
    return render_template(
        "community/directory.html",
        page=page,
        kind=kind,
        counts=lists.active_member_counts(shown_ids),
        standing=lists.standing_in(current_user, shown_ids),
        show_archived=show_archived,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("community.create")
def create():
    form = NewCommunityForm()
    if form.validate_on_submit():
        leader = current_user
        if form.leader_email.data:
            leader = find_user_by_email(form.leader_email.data)
            if leader is None:
                form.leader_email.errors.append(_("No one has an account with this email."))
        if not form.errors:
            outcome = commands.run(
                lambda: services.create_community(
                    current_user,
                    name=form.name.data,
                    kind=CommunityKind(form.kind.data),
                    description=form.description.data or "",
                    join_policy=form.join_policy.data,
                    leader=leader,
                ),
                done=lambda community: _("Community %(name)s created.", name=community.name),
                form=form,
            )
            if outcome.ok:
                return redirect(url_for("community.show", slug=outcome.value.slug))
    return render_template("community/form.html", form=form, community=None), (
        400 if form.errors else 200
    )


@bp.route("/<slug>")
def show(slug: str):
    community = load_community(slug)
    growth, months = history.growth_overview(community)
    return render_template(
        "community/show.html",
        community=community,
        membership=services.current_membership(current_user, community),
        leaders=services.leaders_of(community),
        members=lists.newest_members(community),
        growth=growth,
        growth_chart=_growth_chart(months),
        sections=[
            (template, load(community, current_user)) for template, load in community_sections
        ],
        links=community_links,
    )


def _growth_chart(points: list[history.GrowthPoint]):
    return line_chart(
        _("Members over the last year"),
        [format_date(point.period_start, "MMM yy") for point in points],
        [point.members for point in points],
    )


@bp.route("/<slug>/members")
def members(slug: str):
    community = load_community(slug)
    manage = can(current_user, "community.manage_members", community)
    return render_template(
        "community/members.html",
        community=community,
        page=paginate(lists.members_query(community), 50),
        pending=services.pending_requests(community) if manage else [],
        manage=manage,
    )


def edit_page(community: Community, form, status: int = 200, **picture_forms):
    """The edit form, with a form for the logo and one for the cover image below it."""
    forms = {which: picture_forms.get(which) or PICTURE_FORMS[which](formdata=None)
             for which in PICTURES}  # fmt: skip
    return render_template(
        "community/form.html", form=form, community=community, picture_forms=forms
    ), status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    community = load_community(slug, "community.edit")
    form = EditCommunityForm(obj=community)
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.update_community(
                community,
                name=form.name.data,
                kind=CommunityKind(form.kind.data),
                description=form.description.data or "",
                join_policy=form.join_policy.data,
                hold_first_posts=form.hold_first_posts.data,
                public_page=form.public_page.data,
                actor=current_user,
            ),
            done=_("Saved."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("community.show", slug=community.slug))
    return edit_page(community, form, 400 if form.errors else 200)


@bp.route("/<slug>/archive", methods=["GET", "POST"])
def archive(slug: str):
    community = load_community(slug, "community.archive")
    if request.method == "GET":
        return ask_first(
            _("Archive %(name)s?", name=community.name),
            detail=_("It takes no new members and leaves the directory; you can restore it."),
            button=_("Archive"),
            cancel=url_for("community.show", slug=community.slug),
        )
    commands.run(
        lambda: services.archive_community(current_user, community),
        done=_("%(name)s is archived.", name=community.name),
    )
    return redirect(url_for("community.show", slug=community.slug))


@bp.post("/<slug>/restore")
def restore(slug: str):
    community = load_community(slug, "community.archive")
    commands.run(
        lambda: services.restore_community(current_user, community),
        done=_("%(name)s is open again.", name=community.name),
    )
    return redirect(url_for("community.show", slug=community.slug))


@bp.post("/<slug>/join")
def join(slug: str):
    community = load_community(slug, "community.join")
    outcome = commands.run(lambda: services.join_community(current_user, community).is_active)
    if outcome.ok and outcome.value:
        flash(_("Welcome to %(name)s!", name=community.name), "success")
    elif outcome.ok:
        flash(_("Your request was sent to the leaders of %(name)s.", name=community.name), "info")
    return redirect(url_for("community.show", slug=community.slug))


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str):
    community = load_community(slug, "community.leave")
    if request.method == "GET":  # asked first where coming back needs the leaders again
        return ask_first(
            _("Leave %(name)s?", name=community.name),
            detail=_("To come back, you ask its leaders again and wait for their approval."),
            button=_("Leave"),
            cancel=url_for("community.show", slug=community.slug),
        )
    commands.run(
        lambda: services.leave_community(current_user, community),
        done=_("You left %(name)s.", name=community.name),
    )
    return redirect(url_for("community.show", slug=community.slug))


@bp.post("/<slug>/members/<int:membership_id>/approve")
def approve(slug: str, membership_id: int):
    community = load_community(slug, "community.manage_members")
    membership = _load_membership(community, membership_id)
    commands.run(
        lambda: services.approve_request(current_user, membership),
        done=_("%(name)s is now a member.", name=membership.user.display_name),
    )
    return redirect(url_for("community.members", slug=community.slug))


@bp.route("/<slug>/members/<int:membership_id>/reject", methods=["GET", "POST"])
def reject(slug: str, membership_id: int):
    community = load_community(slug, "community.manage_members")
    membership = _load_membership(community, membership_id)
    if request.method == "GET":
        return ask_first(
            _("Decline %(name)s's request?", name=membership.user.display_name),
            detail=_("They are told, and may ask again later."),
            button=_("Decline"),
            cancel=url_for("community.members", slug=community.slug),
        )
    commands.run(
        lambda: services.reject_request(current_user, membership),
        done=_("Request from %(name)s declined.", name=membership.user.display_name),
    )
    return redirect(url_for("community.members", slug=community.slug))


@bp.post("/<slug>/members/<int:membership_id>/role")
def change_role(slug: str, membership_id: int):
    community = load_community(slug, "community.manage_members")
    membership = _load_membership(community, membership_id)
    role = request.form.get("role")
    if role not in MembershipRole._value2member_map_:
        abort(400)
    commands.run(
        lambda: services.set_member_role(current_user, membership, MembershipRole(role)),
        done=_("%(name)s is now a %(role)s.", name=membership.user.display_name, role=_(role)),
    )
    return redirect(url_for("community.members", slug=community.slug))


def _snapshot_form(channel: ExternalChannel, formdata=None) -> SnapshotForm:
    # One form per channel on the page; the prefix keeps their fields apart.
    return SnapshotForm(formdata=formdata, prefix=f"channel-{channel.id}")


def _render_channels(community: Community, form: ChannelForm, failed: SnapshotForm | None = None):
    snapshot_forms = {channel.id: _snapshot_form(channel) for channel in community.channels}
    if failed is not None:
        snapshot_forms[failed.channel_id] = failed
    return render_template(
        "community/channels.html", community=community, form=form, snapshot_forms=snapshot_forms
    )


def _load_channel(community: Community, channel_id: int) -> ExternalChannel:
    channel = db.get_or_404(ExternalChannel, channel_id)
    if channel.community_id != community.id:
        abort(404)
    return channel


@bp.route("/<slug>/channels", methods=["GET", "POST"])
def channels(slug: str):
    community = load_community(slug, "community.manage_members")
    form = ChannelForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.add_channel(community, form.name.data, form.url.data),
            done=_("Channel added."),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("community.channels", slug=community.slug))
    return _render_channels(community, form), 400 if form.errors else 200


@bp.post("/<slug>/channels/<int:channel_id>/snapshots")
def add_snapshot(slug: str, channel_id: int):
    community = load_community(slug, "community.manage_members")
    channel = _load_channel(community, channel_id)
    form = _snapshot_form(channel, request.form)
    if form.validate():
        outcome = commands.run(
            lambda: services.record_snapshot(channel, form.taken_on.data, form.member_count.data),
            done=_("Member count recorded for %(channel)s.", channel=channel.name),
            form=form,
        )
        if outcome.ok:
            return redirect(url_for("community.channels", slug=community.slug))
    form.channel_id = channel.id
    return _render_channels(community, ChannelForm(formdata=None), failed=form), 400


@bp.route("/<slug>/channels/<int:channel_id>/delete", methods=["GET", "POST"])
def remove_channel(slug: str, channel_id: int):
    community = load_community(slug, "community.manage_members")
    channel = _load_channel(community, channel_id)
    if request.method == "GET":
        return ask_first(
            _("Remove the channel %(name)s?", name=channel.name),
            detail=_("Its member-count history goes with it."),
            button=_("Remove channel"),
            cancel=url_for("community.channels", slug=community.slug),
        )
    commands.run(lambda: services.remove_channel(channel), done=_("Channel removed."))
    return redirect(url_for("community.channels", slug=community.slug))
