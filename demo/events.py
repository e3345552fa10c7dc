"""Demo events: one that took place with attendance, upcoming ones, one full with a waitlist.

The book-sale kick-off falls inside the book-sale stories' window (demo.BOOK_SALE_DAYS_AGO),
so that month's community report has an event and attendance beside the campaign."""

import random
from datetime import timedelta

import click
from sqlalchemy import select

from accounts.models import User
from community import services as communities
from community.models import Community
from core import commands
from core.extensions import db
from core.models import utcnow
from events import attendance, planning, queries, registering
from events.models import EventVisibility
from events.planning import EventDetails

# (community slug, title, starts in days (negative: past), hours long, capacity, goal,
#  visibility, registrations, place, description)
EVENTS = [
    (
        "project-managers", "Charity book sale kick-off", -63, 2, 30, 25,
        EventVisibility.EMPLOYEES, 16, "Kyiv office, 4th floor lounge",
        "We open the **charity book exchange**: bring a book, take a book, donate.",
    ),
    (
        "project-managers", "Agile estimation workshop", 5, 3, 6, 6,
        EventVisibility.MEMBERS, 9, "Room 4.02",
        "Hands-on planning poker and story mapping. Small group, so seats are few.",
    ),
    (
        "project-managers", "Leadership book club: Turn the Ship Around", 12, 1, 25, 20,
        EventVisibility.EMPLOYEES, 7, "",
        "We discuss David Marquet's *Turn the Ship Around!*. Online, cameras optional.",
    ),
    (
        "running-club", "Saturday park run", 4, 2, None, 15,
        EventVisibility.EMPLOYEES, 8, "Central park, main gate",
        "5 km at an easy pace, coffee afterwards.",
    ),
    (
        "volunteering", "Blood donation day", 18, 5, 40, 30,
        EventVisibility.EMPLOYEES, 11, "City blood centre",
        "Register for a slot; eat breakfast and drink plenty of water beforehand.",
    ),
]  # fmt: skip


def seed_events(rng: random.Random) -> None:
    """Each event, each sign-up and the attendance run as commands of their own: a sign-up
    takes the event's row lock at the start of its transaction."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    people = list(db.session.execute(select(User).where(User.is_admin.is_(False))).scalars())
    with click.progressbar(EVENTS, label="Events and registrations") as bar:
        for slug, title, days, hours, capacity, goal, visibility, count, place, text in bar:
            community = communities.get_community_by_slug(slug)
            leader = communities.leaders_of(community)[0]
            starts = (now + timedelta(days=days)).replace(hour=16)
            with commands.transaction():
                event = planning.create_event(
                    leader,
                    community,
                    EventDetails(
                        title=title,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=hours),
                        timezone="Europe/Kyiv",
                        description=text,
                        place=place,
                        online_url="" if place else "https://meet.example.com/book-club",
                        capacity=capacity,
                        registration_goal=goal,
                        visibility=visibility,
                    ),
                )
            _register(rng, event, community, people, count, min(now, starts) - timedelta(days=3))
            if days < 0:
                with commands.transaction():
                    attendees = queries.attendees(event)
                    came = {r.user_id for r in attendees if rng.random() < 0.8}
                    attendance.mark_attendance(leader, event, came, now=now)


def _register(rng, event, community: Community, people, count: int, since) -> None:
    allowed = [
        p for p in people
        if event.visibility == EventVisibility.EMPLOYEES or communities.is_member(p, community)
    ]  # fmt: skip
    for n, person in enumerate(rng.sample(allowed, k=min(count, len(allowed)))):
        with commands.transaction():
            registering.register_for_event(person, event.id, now=since + timedelta(minutes=37 * n))
