"""Tracked links: a short `/go/<code>` per planned post, clicks per day, attribution.

A visitor who follows a link gets a signed cookie naming the link (nothing about
them). What they then do on the site — register for an event, become a lead,
join a community — is marked with the link's brief and channel through the
signals the lower features send, so events, initiatives and communities never
import promotions.
"""

import hashlib
import hmac
import ipaddress
import re
import secrets
from contextlib import suppress
from datetime import date
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from accounts.mail import site_context
from community.models import Membership, MembershipStatus
from core.commands import lock_row
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.permissions import is_smm
from core.signals import event_registered, lead_created, member_joined, member_requested
from core.site import external_url
from promotions.models import (
    Attribution,
    Audience,
    LinkVisit,
    PlannedPost,
    PromotionRequest,
    TrackedLink,
)
from promotions.subjects import load_subject
from promotions.workflow import PLANNING

COOKIE = "guildhall_promotion"
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,32}")

REGISTRATION, LEAD, MEMBERSHIP = "registration", "lead", "membership"


# --- links --------------------------------------------------------------------


def is_internal_path(path: str) -> bool:
    """A path on this site: no scheme, no host, nothing a browser reads as another site."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or char in "\\" for char in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def leads_outsiders_to_community(brief: PromotionRequest, subject=None) -> bool:
    """Whether the brief's links are for people outside the company about something that has
    no page of its own they can open: a community achievement for an outside (or mixed)
    audience, or an event for an outside one (employees register on the event's page)."""
    subject = subject or load_subject(brief.subject_kind, brief.subject_id)
    if subject is None:
        return False
    if subject.kind == "achievement":
        return brief.audience in (Audience.EXTERNAL, Audience.BOTH)
    return subject.kind == "event" and brief.audience == Audience.EXTERNAL


def outsiders_meet_sign_in(brief: PromotionRequest) -> str | None:
    """Why the brief's links lead outsiders to a page that asks them to sign in, if they do:
    "community" (its community's public page is off) or "initiative" (the brief is for an
    outside or mixed audience and the initiative it promotes is not public). The brief and
    link forms say so, and how to change it."""
    subject = load_subject(brief.subject_kind, brief.subject_id)
    if subject is None:
        return None
    if subject.kind == "initiative":
        public = getattr(subject.view_object, "is_public", False)
        outsiders = brief.audience in (Audience.EXTERNAL, Audience.BOTH)
        return "initiative" if outsiders and not public else None
    if leads_outsiders_to_community(brief, subject) and not brief.community.public_page:
        return "community"
    return None


def default_target(brief: PromotionRequest) -> str:
    """Where a brief's links lead unless SMM says otherwise: the promoted page.

    A public initiative's links lead to its public page, and links for outsiders about a
    community's achievement (or event) to the community's public page when it is on: pages
    people outside the company can open.
    """
    subject = load_subject(brief.subject_kind, brief.subject_id)
    with site_context():  # also from the CLI (the demo makes links)
        if subject is None:
            return url_for("community.show", slug=brief.community.slug)
        thing = subject.view_object
        if subject.kind == "initiative" and getattr(thing, "is_public", False):
            return url_for("initiatives.public_show", initiative_id=thing.id)
        community = subject.community
        if (
            community.public_page
            and not community.is_archived
            and leads_outsiders_to_community(brief, subject)
        ):
            return url_for("community.public_show", slug=community.slug)
        return url_for(subject.endpoint, **subject.values)


def create_link(actor, post: PlannedPost, target_path: str | None = None) -> TrackedLink:
    """The post's tracked link; takes the brief's lock first (one link per post, even on a
    double click). Refusals name the form's field, `target_path`."""
    brief = lock_row(PromotionRequest, post.request_id)
    if not is_smm(actor):
        raise DomainError(_("Only SMM staff can do this."), "target_path")
    if brief.status not in PLANNING:
        raise DomainError(
            _("Links are made for posts of a brief that is being published."), "target_path"
        )
    if post.link is not None:
        raise DomainError(_("This post already has a tracked link."), "target_path")
    target_path = (target_path or "").strip() or default_target(brief)
    if not is_internal_path(target_path):
        raise DomainError(_("Enter a path on this site, starting with /."), "target_path")
    if target_path.startswith("/go/"):  # a link to a link would count one click twice
        raise DomainError(_("Enter the page itself, not another tracked link."), "target_path")
    link = TrackedLink(
        code=secrets.token_urlsafe(9),  # 12 characters, 72 random bits
        brief=brief,
        post=post,
        channel_id=post.channel_id,
        target_path=target_path[:500],
        created_by_id=actor.id,
    )
    db.session.add(link)
    db.session.flush()
    return link


def find_link(code: str) -> TrackedLink | None:
    if not CODE_PATTERN.fullmatch(code or ""):
        return None
    return db.session.execute(
        select(TrackedLink).where(TrackedLink.code == code)
    ).scalar_one_or_none()


def share_url(link: TrackedLink) -> str:
    """The address SMM puts in the post: always the site's public one, wherever it is asked."""
    return external_url("links.follow", code=link.code)


# --- clicks -------------------------------------------------------------------


def has_ended(link: TrackedLink) -> bool:
    """What the link promotes is over: its community is archived, or the initiative it
    promotes is no longer running. A click then is no visit, and nothing follows from it."""
    brief = link.brief
    if brief.community.is_archived:
        return True
    if brief.subject_kind == "initiative":
        subject = load_subject(brief.subject_kind, brief.subject_id)
        return subject is None or not subject.view_object.is_active
    return False


def visitor_address(address: str) -> str:
    """The part of an address that names one visitor: an IPv4 address (also written as
    IPv6, ::ffff:192.0.2.1), or an IPv6 /64, which one home or phone is usually given
    whole."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def visitor_hash(day: date, address: str) -> str:
    """Who clicked, as a hash that changes every day and cannot be reversed to an address.

    The address alone makes the visitor: a browser string is whatever the client says,
    so counting it would let one machine pass for as many visitors as it likes.
    """
    address = visitor_address(address)
    salt = hmac.new(
        current_app.config["SECRET_KEY"].encode(), f"visitor:{day}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(salt, address.encode(), hashlib.sha256).hexdigest()[:32]


def count_visit(link_id: int, address: str) -> TrackedLink | None:
    """A visit through the link from `address`, counted for today; the link's lock comes
    first (on SQLite, the write lock before counting). None if the link is gone."""
    link = lock_row(TrackedLink, link_id)
    if link is None:
        return None
    today = utcnow().date()
    record_click(link, today, visitor_hash(today, address))
    return link


def record_click(link: TrackedLink, day: date, visitor: str) -> None:
    """Count a click; one statement, so parallel clicks never lose a count."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LinkVisit).values(link_id=link.id, day=day, visitor=visitor, clicks=1)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["link_id", "day", "visitor"],
            set_={"clicks": LinkVisit.clicks + 1},
        )
    )


# --- attribution ---------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="promotion-attribution")


def attribution_cookie(link: TrackedLink) -> dict:
    """The keyword arguments for `response.set_cookie` that carry the attribution."""
    return {
        "key": COOKIE,
        "value": _serializer().dumps(link.id),
        "max_age": current_app.config["ATTRIBUTION_DAYS"] * 86400,
        "httponly": True,
        "samesite": "Lax",
        "secure": current_app.config["SESSION_COOKIE_SECURE"],
    }


def arrived_through() -> int | None:
    """The tracked link this visitor arrived through, if the cookie is there and fresh."""
    if not has_request_context():
        return None
    if "_arrived_through" not in g:
        token = request.cookies.get(COOKIE)
        link_id = None
        if token:
            try:
                link_id = _serializer().loads(
                    token, max_age=current_app.config["ATTRIBUTION_DAYS"] * 86400
                )
            except BadSignature:
                link_id = None
        g._arrived_through = link_id if isinstance(link_id, int) else None
    return g._arrived_through


def promotes(brief: PromotionRequest, kind: str, community_id: int, **of) -> bool:
    """Does an action belong to what `brief` promotes? Only then is it the brief's outcome.

    - An event brief: a registration for that event, or joining the event's community.
    - An initiative brief: a lead (interest, contribution, request) on that
      initiative, or joining its community.
    - A community achievement: joining that community, or a registration for any
      of its events, or a lead on any of its initiatives (the news promotes the
      community as a whole).

    A registration names its event in `of["event_id"]`, a lead its initiative
    in `of["initiative_id"]`; `community_id` is the community the action is in.
    Whatever happens in another community never counts.
    """
    if community_id != brief.community_id:
        return False
    if kind == MEMBERSHIP or brief.subject_kind == "achievement":
        return True
    if brief.subject_kind == "event":
        return kind == REGISTRATION and of.get("event_id") == brief.subject_id
    if brief.subject_kind == "initiative":
        return kind == LEAD and of.get("initiative_id") == brief.subject_id
    return False


def attribute(
    kind: str, object_id: int, owner_id: int | None, community_id: int, **of
) -> Attribution | None:
    """Mark a row with the brief and channel of the link its visitor came through.

    Only the visitor's own actions count (`owner_id` is the row's user, None for
    an outside participant): a leader approving someone's request carries the
    leader's cookie, not theirs. And only an action that belongs to what the
    brief promotes counts (`promotes`).
    """
    link_id = arrived_through()
    if link_id is None:
        return None
    if owner_id is not None and owner_id != getattr(current_user, "id", None):
        return None
    link = db.session.get(TrackedLink, link_id)
    if link is None or not promotes(link.brief, kind, community_id, **of):
        return None
    exists = db.session.execute(
        select(Attribution.id).where(Attribution.kind == kind, Attribution.object_id == object_id)
    ).first()
    if exists:
        return None
    mark = Attribution(
        request_id=link.request_id,
        channel_id=link.channel_id,
        link_id=link.id,
        kind=kind,
        object_id=object_id,
        user_id=owner_id,
    )
    try:
        # The unique indexes decide, also between parallel requests: a row counts once,
        # and joining once per person and brief.
        with db.session.begin_nested():
            db.session.add(mark)
    except IntegrityError:
        if kind == MEMBERSHIP and owner_id is not None:
            _replace_unconfirmed_join(link, object_id, owner_id)
        return None
    return mark


def _replace_unconfirmed_join(link: TrackedLink, membership_id: int, user_id: int) -> None:
    """A credited request to join that was turned down or withdrawn never counted; the
    person's new membership takes its place (still one per person and brief)."""
    never_joined = select(Membership.id).where(
        Membership.status == MembershipStatus.LEFT, Membership.joined_at.is_(None)
    )
    # IntegrityError: the new membership was credited to another brief in the meantime.
    with suppress(IntegrityError), db.session.begin_nested():
        db.session.execute(
            update(Attribution)
            .where(
                Attribution.request_id == link.request_id,
                Attribution.kind == MEMBERSHIP,
                Attribution.user_id == user_id,
                Attribution.object_id.in_(never_joined),
            )
            .values(
                object_id=membership_id,
                link_id=link.id,
                channel_id=link.channel_id,
                created_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )


def _on_registered(event, registration) -> None:
    attribute(
        REGISTRATION, registration.id, registration.user_id, event.community_id, event_id=event.id
    )


def _on_lead(initiative, lead) -> None:
    attribute(LEAD, lead.id, lead.user_id, initiative.community_id, initiative_id=initiative.id)


def _on_membership(community, membership) -> None:
    # A request to join an approval community is marked when the visitor asks
    # (with their cookie); it counts once a leader approves it
    # (outcomes._counted_attributions). The approval itself is the leader's act.
    attribute(MEMBERSHIP, membership.id, membership.user_id, community.id)


def connect_signals() -> None:
    event_registered.connect(_on_registered)
    lead_created.connect(_on_lead)
    member_joined.connect(_on_membership)
    member_requested.connect(_on_membership)
