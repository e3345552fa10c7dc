"""Demo data that gives each named demo person a full home page: two more communities to
suggest, the admin's own community, and a seat at an upcoming event for each of them."""

from sqlalchemy import select

from accounts.models import User
from community import services as communities
from community.models import CommunityKind
from core import commands
from core.extensions import db
from core.models import utcnow
from events import registering
from events.models import Event, EventVisibility
from events.queries import registration_of

NAMED = ["admin@example.com", "smm@example.com", "olena@example.com", "andrii@example.com",
         "employee@example.com"]  # fmt: skip

MORE_COMMUNITIES = [
    ("Data & Analytics", CommunityKind.PRACTICE,
     "Analysts and data engineers: dashboards, SQL and a monthly **data clinic**."),
    ("Board Games", CommunityKind.INTEREST,
     "Friday evening board games in the kitchen on the 5th floor. Newcomers welcome."),
]  # fmt: skip


def seed_home() -> None:
    people = {
        user.email: user for user in db.session.execute(select(User).order_by(User.id)).scalars()
    }
    others = [user for email, user in people.items() if email not in NAMED]
    admin = people["admin@example.com"]
    for name, kind, description in MORE_COMMUNITIES:
        with commands.transaction():
            community = communities.create_community(
                admin, name=name, kind=kind, description=description, leader=others[0]
            )
            for user in others[1:6]:
                communities.join_community(user, community)
    with commands.transaction():
        communities.join_community(admin, communities.get_community_by_slug("volunteering"))
    open_to_all = list(
        db.session.execute(
            select(Event.id)
            .where(
                Event.visibility == EventVisibility.EMPLOYEES,
                Event.cancelled_at.is_(None),
                Event.starts_at > utcnow(),
            )
            .order_by(Event.starts_at)
        ).scalars()
    )
    for email in NAMED:
        user = people[email]
        for event_id in open_to_all[:1]:
            if registration_of(user, db.session.get(Event, event_id)) is None:
                with commands.transaction():
                    registering.register_for_event(user, event_id)
