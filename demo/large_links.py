"""Large data for outcomes: a tracked link per published post, its daily visitors, and
the registrations and memberships that came through it (attributions).

About 4,000 links, 140,000 visitor-days and 10,000 attributions on the full
large set, so that outcome pages and reports have real figures to add up.
"""

import secrets
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from flask import url_for
from sqlalchemy import select

from accounts.mail import site_context
from community.models import Community, Membership
from core.extensions import db
from demo.large import LargeSite
from events.models import Registration, RegistrationStatus
from promotions.links import MEMBERSHIP, REGISTRATION
from promotions.models import Attribution, LinkVisit, PlannedPost, PromotionRequest, TrackedLink

DAYS_FOLLOWED = 7  # a post's link is followed for about a week, fading
ATTRIBUTED = 0.3  # the share of a subject's sign-ups that came through the brief's links


def seed_links(site: LargeSite, bulk_insert: Callable) -> None:
    rng, today = site.rng, site.now.date()
    posts = db.session.execute(
        select(PlannedPost.id, PlannedPost.request_id, PlannedPost.channel_id,
               PlannedPost.published_at, PlannedPost.created_by_id,
               PromotionRequest.subject_kind, PromotionRequest.subject_id)
        .join(PromotionRequest, PromotionRequest.id == PlannedPost.request_id)
        .where(PlannedPost.published_at.is_not(None))
        .order_by(PlannedPost.id)
    ).all()  # fmt: skip
    slugs = dict(db.session.execute(select(Community.id, Community.slug)).all())
    with site_context():
        paths = {
            post.id: url_for("events.show", event_id=post.subject_id)
            if post.subject_kind == "event"
            else url_for("community.show", slug=slugs[post.subject_id])
            for post in posts
        }

    bulk_insert(TrackedLink, ({
        "code": secrets.token_urlsafe(9), "request_id": post.request_id, "post_id": post.id,
        "channel_id": post.channel_id, "target_path": paths[post.id],
        "created_by_id": post.created_by_id, "created_at": post.published_at - timedelta(hours=1),
    } for post in posts), "Tracked links", len(posts))  # fmt: skip
    links = db.session.execute(
        select(TrackedLink.id, TrackedLink.request_id, TrackedLink.channel_id,
               PlannedPost.published_at)
        .join(PlannedPost, PlannedPost.id == TrackedLink.post_id)
        .order_by(TrackedLink.id)
    ).all()  # fmt: skip

    def visits():
        for link in links:
            first = link.published_at.date()
            for n in range(DAYS_FOLLOWED):
                day = first + timedelta(days=n)
                if day > today:
                    break
                for _ in range(max(1, rng.randint(4, 24) // (n + 1))):
                    yield {"link_id": link.id, "day": day,
                           "visitor": f"{rng.getrandbits(128):032x}",
                           "clicks": 1 if rng.random() < 0.8 else rng.randint(2, 4)}  # fmt: skip

    bulk_insert(LinkVisit, visits(), "Link visitors by day", len(links) * 20)

    links_by_brief = defaultdict(list)
    for link in links:
        links_by_brief[link.request_id].append(link)
    bulk_insert(Attribution, _attributions(site, links_by_brief), "Attributions",
                site.share(15_000))  # fmt: skip


def _attributions(site: LargeSite, links_by_brief: dict[int, list]):
    """Registrations for a brief's event, memberships in its community during its window."""
    rng, now = site.rng, site.now
    briefs = db.session.execute(
        select(PromotionRequest.id, PromotionRequest.subject_kind, PromotionRequest.subject_id,
               PromotionRequest.publish_from, PromotionRequest.publish_until)
        .where(PromotionRequest.id.in_(list(links_by_brief)))
        .order_by(PromotionRequest.id)
    ).all()  # fmt: skip
    event_ids = {b.subject_id for b in briefs if b.subject_kind == "event"}
    registrations = defaultdict(list)
    for registration_id, event_id in db.session.execute(
        select(Registration.id, Registration.event_id).where(
            Registration.event_id.in_(event_ids),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ):
        registrations[event_id].append(registration_id)
    community_ids = {b.subject_id for b in briefs if b.subject_kind != "event"}
    joined = defaultdict(list)  # community: [(joined_at, membership id)], in time order
    for membership_id, community_id, joined_at in db.session.execute(
        select(Membership.id, Membership.community_id, Membership.joined_at)
        .where(Membership.community_id.in_(community_ids), Membership.joined_at.is_not(None))
        .order_by(Membership.joined_at)
    ):
        joined[community_id].append((joined_at, membership_id))
    taken: set[tuple[str, int]] = set()  # a row is attributed to one brief at most

    for brief in briefs:
        start = datetime.combine(brief.publish_from, time.min, UTC)
        end = min(now, datetime.combine(brief.publish_until, time.max, UTC))
        if brief.subject_kind == "event":
            kind, candidates = REGISTRATION, registrations[brief.subject_id]
        else:
            kind, moments = MEMBERSHIP, joined[brief.subject_id]
            low = bisect_left(moments, (start, 0))
            high = bisect_right(moments, (end, float("inf")))
            candidates = [membership_id for _, membership_id in moments[low:high]]
        for object_id in candidates:
            if (kind, object_id) in taken or rng.random() >= ATTRIBUTED:
                continue
            taken.add((kind, object_id))
            link = rng.choice(links_by_brief[brief.id])
            arrived = link.published_at + timedelta(hours=rng.random() * 24 * DAYS_FOLLOWED)
            yield {
                "request_id": brief.id, "channel_id": link.channel_id, "link_id": link.id,
                "kind": kind, "object_id": object_id, "created_at": min(arrived, now),
            }  # fmt: skip
