"""The weekly digest for community managers: one e-mail a week about the communities they lead."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.mail import email_user, register_email_kind
from accounts.models import User
from community.history import active_leader_clause
from community.models import Community, Membership
from community.services import pending_requests
from core import commands
from core.extensions import db
from core.models import utcnow
from events.models import Event
from events.queries import counts_by_status
from promotions.models import BriefStatus, PromotionRequest
from reports.members import MembershipFigures, membership_figures
from reports.periods import Period

register_email_kind("digest", _l("A weekly digest of the communities I lead"), audience="leaders")

WAITING_FOR_THE_COMMUNITY = (BriefStatus.DRAFT, BriefStatus.CHANGES_REQUESTED)


@dataclass
class CommunityWeek:
    community: Community
    members: MembershipFigures
    pending_requests: int
    upcoming: list[tuple[Event, int]]  # events of the next seven days, with confirmed people
    briefs_to_act_on: list[PromotionRequest]


def community_week(community: Community, now: datetime) -> CommunityWeek:
    last_week = Period("week", (now - timedelta(days=7)).date(), (now - timedelta(days=1)).date())
    upcoming = list(
        db.session.execute(
            select(Event)
            .where(
                Event.community_id == community.id,
                Event.cancelled_at.is_(None),
                Event.starts_at >= now,
                Event.starts_at < now + timedelta(days=7),
            )
            .order_by(Event.starts_at, Event.id)
        ).scalars()
    )
    counts = counts_by_status([event.id for event in upcoming])
    briefs = db.session.execute(
        select(PromotionRequest)
        .where(
            PromotionRequest.community_id == community.id,
            PromotionRequest.status.in_(WAITING_FOR_THE_COMMUNITY),
        )
        .order_by(PromotionRequest.id)
    ).scalars()
    return CommunityWeek(
        community=community,
        members=membership_figures(community, last_week),
        pending_requests=len(pending_requests(community)),
        upcoming=[(e, counts.get(e.id, {}).get("confirmed", 0)) for e in upcoming],
        briefs_to_act_on=list(briefs),
    )


def send_weekly_digests(now: datetime | None = None) -> int:
    """Queue this week's digest for every leader; a second run in the same week adds nothing."""
    now = now or utcnow()
    week = Period.containing("week", now.date()).key
    led: dict[int, list[Community]] = {}
    leaders: dict[int, User] = {}
    rows = db.session.execute(
        select(Membership)
        .join(Membership.community)
        .options(joinedload(Membership.user), joinedload(Membership.community))
        .where(
            active_leader_clause(),
            Community.archived_at.is_(None),
        )
        .order_by(Community.name)
    ).scalars()
    for membership in rows:
        leaders[membership.user_id] = membership.user
        led.setdefault(membership.user_id, []).append(membership.community)
    weeks = {c.id: community_week(c, now) for group in led.values() for c in group}
    queued = 0
    for user_id, communities in led.items():
        if email_user(
            leaders[user_id],
            "digest",
            "weekly_digest",
            dedupe_key=f"digest:{user_id}:{week}",
            weeks=[weeks[c.id] for c in communities],
        ):
            queued += 1
    return queued


reports_cli = AppGroup("reports", help="Reports and digests.")


@reports_cli.command("digest")
def digest_command() -> None:
    """Queue the weekly digest for community leaders (run it weekly from cron)."""
    with commands.cli_transaction():
        queued = send_weekly_digests()
    click.echo(f"{queued} digests queued.")
