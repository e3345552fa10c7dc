"""Community rules: creating and archiving communities, joining, leaving, approving,
leading, and the community's channels elsewhere. Its history is in community.history."""

from datetime import date, datetime

from flask import current_app, g
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from accounts.models import User
from community.history import active_leader_clause, active_leaders
from community.models import (
    ChannelSnapshot,
    Community,
    CommunityKind,
    ExternalChannel,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from core import audit
from core.commands import lock_row
from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from core.models import utcnow
from core.signals import member_declined, member_joined, member_left, member_requested

# --- reading ---------------------------------------------------------------


def get_community_by_slug(slug: str) -> Community | None:
    return db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()


def current_membership(user, community: Community) -> Membership | None:
    """The person's pending or active membership, cached for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_current_memberships", {})
    key = (user.id, community.id)
    if key not in cache:
        cache[key] = db.session.execute(
            select(Membership).where(
                Membership.user_id == user.id,
                Membership.community_id == community.id,
                Membership.status != MembershipStatus.LEFT,
            )
        ).scalar_one_or_none()
    return cache[key]


def remember_memberships(pairs) -> None:
    """Load the memberships of many (user id, community id) pairs for the request in one
    statement, so a page asking `is_leader` of every author it shows asks once."""
    cache = g.setdefault("_current_memberships", {})
    wanted = {pair for pair in pairs if pair not in cache}
    if not wanted:
        return
    users = {user_id for user_id, _community_id in wanted}
    found = db.session.execute(
        select(Membership).where(
            Membership.user_id.in_(users),
            Membership.community_id.in_({community_id for _user_id, community_id in wanted}),
            Membership.status != MembershipStatus.LEFT,
        )
    ).scalars()
    known = {(m.user_id, m.community_id): m for m in found}
    for pair in wanted:
        cache[pair] = known.get(pair)


def _forget_cached_membership(user_id: int, community_id: int) -> None:
    g.setdefault("_current_memberships", {}).pop((user_id, community_id), None)


def is_leader(user, community: Community) -> bool:
    membership = current_membership(user, community)
    return membership is not None and membership.is_leader


def led_community_ids(user) -> list[int]:
    """The ids of the communities the person leads now, in one query."""
    return list(
        db.session.execute(
            select(Membership.community_id)
            .where(Membership.user_id == user.id, active_leader_clause())
            .order_by(Membership.community_id)
        ).scalars()
    )


def is_member(user, community: Community) -> bool:
    membership = current_membership(user, community)
    return membership is not None and membership.is_active


def leaders_of(community: Community) -> list[User]:
    return active_leaders([community.id]).get(community.id, [])


def pending_requests(community: Community) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .options(joinedload(Membership.user))
            .where(
                Membership.community_id == community.id,
                Membership.status == MembershipStatus.PENDING,
            )
            .order_by(Membership.requested_at, Membership.id)
        ).scalars()
    )


def memberships_of(user: User) -> list[Membership]:
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.community)
            .options(joinedload(Membership.community))
            .where(Membership.user_id == user.id, Membership.status != MembershipStatus.LEFT)
            .order_by(Community.name)
        ).scalars()
    )


def active_memberships_of(user: User) -> list[Membership]:
    """The communities a person is in now (archived ones left out), leaders first."""
    return list(
        db.session.execute(
            select(Membership)
            .join(Membership.community)
            .options(joinedload(Membership.community))
            .where(
                Membership.user_id == user.id,
                Membership.status == MembershipStatus.ACTIVE,
                Community.archived_at.is_(None),
            )
            .order_by(Membership.role, Community.name)  # "leader" sorts before "member"
        ).scalars()
    )


def count_leaders(community: Community) -> int:
    return db.session.execute(
        select(func.count()).where(Membership.community_id == community.id, active_leader_clause())
    ).scalar_one()


# --- changing --------------------------------------------------------------


def reserved_slugs() -> set[str]:
    """Words the site's own pages take after /communities/ (e.g. `new`): a community
    with such a slug could never be opened. Read from the routes, so a new page is
    covered the day it is added."""
    words = set()
    for rule in current_app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if len(parts) > 2 and parts[1] == "communities" and parts[2] and "<" not in parts[2]:
            words.add(parts[2])
    return words


def unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name, max_length=120) or "community"
    reserved = reserved_slugs()
    slug, n = base, 2
    while True:
        query = select(Community.id).where(Community.slug == slug)
        if exclude_id is not None:
            query = query.where(Community.id != exclude_id)
        if slug not in reserved and db.session.execute(query).first() is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _check_name_free(name: str, exclude_id: int | None = None) -> None:
    query = select(Community.id).where(func.lower(Community.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(Community.id != exclude_id)
    if db.session.execute(query).first() is not None:
        raise DomainError(_("A community with this name already exists."), field="name")


def create_community(
    actor: User,
    *,
    name: str,
    kind: CommunityKind,
    description: str = "",
    join_policy: JoinPolicy = JoinPolicy.OPEN,
    leader: User | None = None,
    created_at: datetime | None = None,
) -> Community:
    """A new community with its first leader (the creator unless named)."""
    _check_name_free(name)
    community = Community(
        name=name.strip(),
        slug=unique_slug(name),
        kind=kind,
        description=description,
        join_policy=join_policy,
        created_at=created_at or utcnow(),
    )
    db.session.add(community)
    leader = leader or actor
    db.session.add(
        Membership(
            user=leader,
            community=community,
            role=MembershipRole.LEADER,
            status=MembershipStatus.ACTIVE,
            requested_at=community.created_at,
            joined_at=community.created_at,
        )
    )
    flush_or_refuse(_("A community with this name already exists."), field="name")
    audit.record(actor, "community.create", community, f"leader={leader.email}")
    return community


def update_community(
    community: Community,
    *,
    name: str,
    kind: CommunityKind,
    description: str,
    join_policy: JoinPolicy,
    hold_first_posts: int | None = None,
    public_page: bool | None = None,
    actor: User | None = None,
) -> None:
    """Change the community's settings; `hold_first_posts` (0-10, 0 = off) is how many of a
    new member's first posts and replies wait for a leader's approval, `public_page` whether
    people outside the company may open its public page (None: unchanged)."""
    _check_name_free(name, exclude_id=community.id)
    if public_page is not None and public_page != community.public_page:
        audit.record(actor, "community.public_page", community, "on" if public_page else "off")
        community.public_page = public_page
    if hold_first_posts is not None:
        if not 0 <= hold_first_posts <= 10:
            raise DomainError(_("Enter a number from 0 to 10."), field="hold_first_posts")
        if hold_first_posts != community.hold_first_posts:
            audit.record(actor, "community.hold_first_posts", community, str(hold_first_posts))
        community.hold_first_posts = hold_first_posts
    if name.strip() != community.name or community.slug in reserved_slugs():
        community.slug = unique_slug(name, exclude_id=community.id)
    community.name = name.strip()
    community.kind = kind
    community.description = description
    community.join_policy = join_policy
    flush_or_refuse(_("A community with this name already exists."), field="name")


def archive_community(actor: User, community: Community) -> None:
    if community.is_archived:
        raise DomainError(_("This community is already archived."))
    community.archived_at = utcnow()
    audit.record(actor, "community.archive", community)


def restore_community(actor: User, community: Community) -> None:
    if not community.is_archived:
        raise DomainError(_("This community is not archived."))
    community.archived_at = None
    audit.record(actor, "community.restore", community)


def join_community(user: User, community: Community, at: datetime | None = None) -> Membership:
    """Join an open community, or ask to join an approval one."""
    if community.is_archived:
        raise DomainError(_("This community is archived and takes no new members."))
    existing = current_membership(user, community)
    if existing is not None:
        if existing.is_active:
            raise DomainError(_("You are already a member of %(name)s.", name=community.name))
        raise DomainError(_("Your request to join is waiting for a leader's approval."))
    at = at or utcnow()
    membership = Membership(user=user, community=community, requested_at=at)
    if community.join_policy == JoinPolicy.OPEN:
        membership.status, membership.joined_at = MembershipStatus.ACTIVE, at
    else:
        membership.status = MembershipStatus.PENDING
    try:
        # A double click may race us here; the unique index turns it into a message.
        with db.session.begin_nested():
            db.session.add(membership)
    except IntegrityError:
        raise DomainError(_("You are already a member of %(name)s.", name=community.name)) from None
    _forget_cached_membership(user.id, community.id)
    if membership.is_active:
        member_joined.send(community, membership=membership)
    else:
        member_requested.send(community, membership=membership)
    return membership


def leave_community(user: User, community: Community, at: datetime | None = None) -> Membership:
    """Leave, or withdraw a pending request. The last leader cannot leave."""
    membership = current_membership(user, community)
    if membership is None:
        raise DomainError(_("You are not a member of %(name)s.", name=community.name))
    if membership.is_leader and count_leaders(community) <= 1:
        raise DomainError(
            _("You are the only leader. Make another member a leader before you leave.")
        )
    was_active = membership.is_active
    membership.status, membership.left_at = MembershipStatus.LEFT, at or utcnow()
    db.session.flush()
    _forget_cached_membership(user.id, community.id)
    if was_active:
        member_left.send(community, membership=membership)
    return membership


def _pending(membership: Membership) -> Membership:
    """The request, locked first: of two leaders answering it at once, the second finds
    it handled, so the person is told once."""
    membership = lock_row(Membership, membership.id)
    if membership is None or membership.status != MembershipStatus.PENDING:
        raise DomainError(_("This request was already handled."))
    return membership


def approve_request(actor: User, membership: Membership, at: datetime | None = None) -> None:
    membership = _pending(membership)
    membership.status, membership.joined_at = MembershipStatus.ACTIVE, at or utcnow()
    audit.record(actor, "membership.approve", membership)
    db.session.flush()
    _forget_cached_membership(membership.user_id, membership.community_id)
    member_joined.send(membership.community, membership=membership)


def reject_request(actor: User, membership: Membership) -> None:
    membership = _pending(membership)
    membership.status, membership.left_at = MembershipStatus.LEFT, utcnow()
    audit.record(actor, "membership.reject", membership)
    _forget_cached_membership(membership.user_id, membership.community_id)
    member_declined.send(membership.community, membership=membership)


def set_member_role(actor: User, membership: Membership, role: MembershipRole) -> None:
    """Make a member a leader or back; a community always keeps one leader."""
    role = MembershipRole(role)
    if not membership.is_active:
        raise DomainError(_("Only current members can be made leaders."))
    if membership.role == role:
        return
    if role == MembershipRole.MEMBER and count_leaders(membership.community) <= 1:
        raise DomainError(_("A community needs at least one leader."))
    membership.role = role
    audit.record(actor, f"membership.role.{role.value}", membership, membership.user.email)
    _forget_cached_membership(membership.user_id, membership.community_id)


def add_channel(community: Community, name: str, url: str) -> ExternalChannel:
    url = url.strip()
    already = _("This channel is already listed.")
    if any(channel.url == url for channel in community.channels):
        raise DomainError(already, field="url")
    channel = ExternalChannel(community=community, name=name.strip(), url=url)
    db.session.add(channel)
    flush_or_refuse(already, field="url")  # the same channel added at the same moment
    return channel


def record_snapshot(channel: ExternalChannel, taken_on: date, member_count: int) -> ChannelSnapshot:
    """The channel's member count on a day; a second figure for the day replaces the first."""
    if member_count < 0:
        raise DomainError(_("A member count cannot be negative."), field="member_count")
    if taken_on > utcnow().date():
        raise DomainError(_("A snapshot cannot be dated in the future."), field="taken_on")
    snapshot = next((s for s in channel.snapshots if s.taken_on == taken_on), None)
    if snapshot is None:
        snapshot = ChannelSnapshot(channel=channel, taken_on=taken_on, member_count=member_count)
        db.session.add(snapshot)
    else:
        snapshot.member_count = member_count
    return snapshot


def remove_channel(channel: ExternalChannel) -> None:
    db.session.delete(channel)
