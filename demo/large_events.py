"""Large data for events: 5,000 events over two years and 100,000 registrations."""

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from demo.large import LargeSite, weighted_sizes
from events.models import Event, Registration

TITLES = [
    "Monthly meetup", "Lightning talks", "Workshop", "Book club", "Retrospective",
    "Guest speaker", "Hackathon", "Open discussion", "Study group", "Team run",
]  # fmt: skip


def seed_events(site: LargeSite, bulk_insert: Callable) -> None:
    rng, now = site.rng, site.now
    events, registrations = site.share(5_000), site.share(100_000)
    start = now - timedelta(days=730)
    span = (now + timedelta(days=90) - start).total_seconds()  # two years back, a season ahead
    # Bigger communities hold more events.
    per_community = weighted_sizes(events, len(site.community_ids), minimum=1)

    def plan():
        for community_id, count in zip(site.community_ids, per_community, strict=True):
            leader = site.leaders_by_community[community_id]
            for n in range(count):
                starts = (start + timedelta(seconds=rng.random() * span)).replace(
                    minute=0, second=0, microsecond=0
                )
                yield {
                    "community_id": community_id, "created_by_id": leader,
                    "title": f"{rng.choice(TITLES)} #{n + 1}",
                    "description": "Agenda, speakers and what to bring: see the *details* below.",
                    "starts_at": starts, "ends_at": starts + timedelta(hours=rng.choice((1, 2, 3))),
                    "timezone": "Europe/Kyiv", "place": "Kyiv office" if n % 3 else "",
                    "online_url": "" if n % 3 else "https://meet.example.com/guildhall",
                    "capacity": rng.choice((None, 20, 30, 50, 80)), "registration_goal": 20,
                    "visibility": "employees" if n % 2 else "members",
                    "created_at": starts - timedelta(days=21), "updated_at": starts,
                }  # fmt: skip

    bulk_insert(Event, plan(), "Events", events)
    rows = db.session.execute(
        select(
            Event.id, Event.community_id, Event.starts_at, Event.capacity, Event.visibility
        ).order_by(Event.id)
    ).all()
    site.event_ids = [row.id for row in rows]
    pools = [
        site.user_ids if event.visibility == "employees"
        else site.members_by_community[event.community_id]
        for event in rows
    ]  # fmt: skip
    sizes = weighted_sizes(registrations, len(rows), minimum=3, shuffle=rng)
    sizes = within_caps(sizes, [len(pool) for pool in pools], registrations)

    def places():
        for event, size, pool in zip(rows, sizes, pools, strict=True):
            confirmed = 0
            past = event.starts_at < now
            for user_id in rng.sample(pool, size):
                asked = event.starts_at - timedelta(hours=rng.randint(2, 24 * 20))
                if rng.random() < 0.05:
                    status = "cancelled"
                elif event.capacity is None or confirmed < event.capacity:
                    status, confirmed = "confirmed", confirmed + 1
                else:
                    status = "waitlisted"
                yield {
                    "event_id": event.id, "user_id": user_id, "status": status,
                    "created_at": asked, "updated_at": asked, "requested_at": asked,
                    "attended": past and status == "confirmed" and rng.random() < 0.8,
                }  # fmt: skip

    bulk_insert(Registration, places(), "Event registrations", sum(sizes))


def within_caps(sizes: list[int], caps: list[int], total: int) -> list[int]:
    """`sizes` cut to their caps, the cut handed to those with room, in proportion.

    A members-only event of a small community cannot take more people than it
    has members; without this the data set fell short of its registrations.
    """
    sizes = [min(size, cap) for size, cap in zip(sizes, caps, strict=True)]
    short = total - sum(sizes)
    while short > 0:
        room = [i for i, cap in enumerate(caps) if sizes[i] < cap]
        if not room:
            break
        weight = sum(sizes[i] for i in room)
        for i in room:
            extra = min(caps[i] - sizes[i], short, max(1, -(-short * sizes[i] // weight)))
            sizes[i] += extra
            short -= extra
            if short == 0:
                break
    return sizes
