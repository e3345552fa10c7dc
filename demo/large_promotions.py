"""Large data for promotions: 2,000 briefs over two years with channels, planned posts,
comments and notifications. Tracked links, their visitors and attributions come next
(`demo/large_links.py`)."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from core.extensions import db
from demo.large import LargeSite
from events.models import Event
from notifications.models import Delivery, Notification
from promotions import channel_list, filing
from promotions.models import (
    BriefComment,
    PlannedPost,
    PromotionRequest,
    brief_channels,
)

# A brief's status by its age: what is long past is closed, what is recent is in the queue.
RECENT_STATUSES = ["draft", "submitted", "changes_requested", "accepted", "scheduled",
                   "running", "declined"]  # fmt: skip
FORMATS = ["post", "story", "reel", "video", "article"]
BACKUP_PLAN = "\n".join(str(step) for step in filing.DEFAULT_BACKUP_PLAN)


def seed_briefs(site: LargeSite, bulk_insert: Callable) -> None:
    rng, now = site.rng, site.now
    briefs = site.share(2_000)
    channel_ids = [channel.id for channel in channel_list.ensure_default_channels()]
    db.session.commit()
    smm = [user_id for user_id in site.user_ids[1:4]]  # the seeded SMM staff
    events_by_community: dict[int, list[tuple[int, datetime]]] = {}
    for event_id, community_id, starts_at in db.session.execute(
        select(Event.id, Event.community_id, Event.starts_at)
    ):
        events_by_community.setdefault(community_id, []).append((event_id, starts_at))

    def plan():
        for _ in range(briefs):
            community_id = rng.choice(site.community_ids[: len(site.community_ids) // 2])
            filed = now - timedelta(days=rng.random() ** 0.7 * 700)
            kind, subject_id, starts = "achievement", community_id, None
            if rng.random() < 0.6 and events_by_community.get(community_id):
                kind = "event"
                subject_id, starts = rng.choice(events_by_community[community_id])
            age = (now - filed).days
            if age > 60:
                status = "closed" if rng.random() < 0.85 else "declined"
            elif age > 30:
                status = rng.choice(("running", "reported", "closed"))
            else:
                status = rng.choice(RECENT_STATUSES)
            closed = status == "closed"
            deadline = (filed + timedelta(days=rng.randint(3, 14))).date()
            yield {
                "community_id": community_id,
                "created_by_id": site.leaders_by_community[community_id],
                "assignee_id": None if status in ("draft", "submitted") else rng.choice(smm),
                "subject_kind": kind, "subject_id": subject_id, "subject_starts_at": starts,
                "title": f"Promotion of {'an event' if kind == 'event' else 'our news'} "
                         f"{rng.randint(1, 9999)}",
                "objective": "registrations" if kind == "event" else "group_members",
                "target": rng.choice((20, 40, 60, 100)), "audience": "internal",
                "key_message": "Why it matters, in one sentence.",
                "content_deadline": deadline, "publish_from": deadline + timedelta(days=2),
                "publish_until": deadline + timedelta(days=16), "currency": "UAH",
                "backup_plan": BACKUP_PLAN, "report_frequency": "at_the_end",
                "status": status, "final_actual": rng.randint(5, 150) if closed else None,
                "reported_at": filed + timedelta(days=30) if closed else None,
                "submitted_at": None if status == "draft" else filed,
                "created_at": filed, "updated_at": filed,
            }  # fmt: skip

    bulk_insert(PromotionRequest, plan(), "Promotion briefs", briefs)
    rows = db.session.execute(
        select(PromotionRequest.id, PromotionRequest.status, PromotionRequest.publish_from,
               PromotionRequest.assignee_id, PromotionRequest.created_by_id,
               PromotionRequest.title)
        .order_by(PromotionRequest.id)
    ).all()  # fmt: skip
    site.brief_ids = [row.id for row in rows]
    chosen = {row.id: rng.sample(channel_ids, rng.randint(1, 3)) for row in rows}
    bulk_insert(brief_channels, (
        {"request_id": brief, "channel_id": channel}
        for brief, channels in chosen.items() for channel in channels
    ), "Brief channels", sum(map(len, chosen.values())))  # fmt: skip

    scheduled = [
        row
        for row in rows
        if row.status not in ("draft", "submitted", "changes_requested", "declined")
    ]

    def posts():
        for row in scheduled:
            for n in range(rng.randint(1, 4)):
                at = datetime.combine(row.publish_from + timedelta(days=n * 3), time(10), UTC)
                published = at < now
                yield {
                    "request_id": row.id, "channel_id": rng.choice(chosen[row.id]),
                    "format": rng.choice(FORMATS), "scheduled_at": at,
                    "notes": "Photo and a link", "status": "published" if published else "planned",
                    "published_url": "https://www.instagram.com/p/example" if published else "",
                    "published_at": at if published else None,
                    "reach": rng.randint(300, 3000) if published else None,
                    "reactions": rng.randint(10, 200) if published else None,
                    "clicks": rng.randint(0, 60) if published else None,
                    "created_by_id": row.assignee_id, "created_at": at - timedelta(days=5),
                }  # fmt: skip

    bulk_insert(PlannedPost, posts(), "Planned posts", len(scheduled) * 5 // 2)

    def comments():
        for row in rows:
            if row.status != "draft":
                yield {"request_id": row.id, "author_id": row.created_by_id,
                       "body": "Here is the brief; photos come on Monday.", "status": None,
                       "created_at": now}  # fmt: skip

    bulk_insert(BriefComment, comments(), "Brief comments", len(rows))

    def notes():
        for row in rows[-400:]:  # the recent ones; older notes were read long ago
            for user_id in smm:
                yield {"recipient_id": user_id, "kind": "brief_update", "subject": row.title,
                       "endpoint": "promotions.show", "url_args": {"brief_id": row.id},
                       "delivery": Delivery.IN_APP, "created_at": now,
                       "read_at": None if rng.random() < 0.3 else now}  # fmt: skip

    bulk_insert(Notification, notes(), "Notifications", 400 * len(smm))
