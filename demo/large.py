"""`flask seed-demo --scale large`: a big site for benchmarks, inserted in bulk.

About 20,000 people, 300 communities and 200,000 membership periods over two
years; the features add their own bulk data (events and registrations,
catalog items, briefs) through `LARGE_SEEDERS`. Rows go in with executemany
in chunks, never one ORM object at a time.
"""

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

import click
from flask import current_app
from sqlalchemy import insert, select, text
from werkzeug.security import generate_password_hash

from accounts.models import User
from community.models import Community, Membership
from core.extensions import db
from core.models import utcnow

CHUNK = 5_000
# name: (people, communities, membership periods)
SCALES = {"large": (20_000, 300, 200_000), "medium": (2_000, 60, 20_000)}
FIRST_NAMES = [
    "Olena",
    "Andrii",
    "Mariia",
    "Oksana",
    "Dmytro",
    "Nataliia",
    "Serhii",
    "Yuliia",
    "Bohdan",
    "Kateryna",
    "Volodymyr",
    "Anna",
    "Maksym",
    "Sofiia",
    "Ivan",
    "Daria",
    "Oleh",
    "Tetiana",
    "Roman",
    "Viktoriia",
    "Yurii",
    "Alina",
    "Pavlo",
    "Iryna",
]
LAST_NAMES = [
    "Kovalenko",
    "Melnyk",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Kravchenko",
    "Oliinyk",
    "Lysenko",
    "Rudenko",
    "Savchenko",
    "Petrenko",
    "Moroz",
    "Pavlenko",
    "Marchenko",
    "Koval",
    "Hrytsenko",
    "Karpenko",
    "Polishchuk",
    "Levchenko",
]
TOPICS = [
    "Project Managers",
    "QA",
    "Architects",
    "Data",
    "Frontend",
    "Backend",
    "DevOps",
    "Security",
    "Design",
    "Analysts",
    "Volunteering",
    "Running",
    "Chess",
    "Books",
    "Photography",
    "Hiking",
    "Cycling",
    "Board Games",
    "Music",
    "Cooking",
]


@dataclass
class LargeSite:
    """What the foundation made, for the features' seeders to build on."""

    rng: random.Random
    now: datetime
    user_ids: list[int]
    community_ids: list[int]
    members_by_community: dict[int, list[int]] = field(default_factory=dict)
    leaders_by_community: dict[int, int] = field(default_factory=dict)


# Features append `seeder(site, progress)`; each inserts its rows in bulk.
LARGE_SEEDERS: list[Callable[[LargeSite, Callable], None]] = []


def chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def bulk_insert(model, rows: Iterable[dict], label: str, total: int) -> None:
    """Insert `rows` in chunks with a progress bar; commits each chunk."""
    with click.progressbar(length=total, label=label.ljust(28)) as bar:
        for batch in chunks(rows):
            db.session.execute(insert(model), batch)
            db.session.commit()
            bar.update(len(batch))


def seed_large(
    rng: random.Random,
    users: int = 20_000,
    communities: int = 300,
    memberships: int = 200_000,
    password: str = "guildhall-demo",
) -> LargeSite:
    now = utcnow()
    two_years_ago = now - timedelta(days=730)
    password_hash = generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )  # one hash for everyone: hashing 20,000 passwords would take minutes

    def people():
        for i in range(users):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first.lower()}.{last.lower()}.{i}@example.com"
            yield {
                "email": "admin@example.com" if i == 0 else email,
                "display_name": f"{first} {last}",
                "password_hash": password_hash,
                "is_admin": i == 0,
                "is_smm": i in (1, 2, 3),
                "active": True,
                "created_at": two_years_ago + timedelta(seconds=rng.random() * 730 * 86400),
            }

    bulk_insert(User, people(), "People", users)

    def groups():
        for i in range(communities):
            topic = TOPICS[i % len(TOPICS)]
            yield {
                "name": f"{topic} {i + 1}",
                "slug": f"{topic.lower().replace(' ', '-')}-{i + 1}",
                "kind": "interest" if topic in TOPICS[10:] else "practice",
                "description": f"The **{topic}** community number {i + 1}.",
                "join_policy": "approval" if i % 7 == 0 else "open",
                "created_at": two_years_ago,
            }

    bulk_insert(Community, groups(), "Communities", communities)

    user_ids = list(db.session.execute(select(User.id).order_by(User.id)).scalars())
    community_ids = list(db.session.execute(select(Community.id).order_by(Community.id)).scalars())
    site = LargeSite(rng=rng, now=now, user_ids=user_ids, community_ids=community_ids)
    # Sizes fall off like real communities: a few big ones, many small ones.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(communities)]
    scale = memberships / sum(weights)
    sizes = [max(5, min(len(user_ids), int(w * scale))) for w in weights]

    def periods():
        for community_id, size in zip(community_ids, sizes, strict=True):
            members = rng.sample(user_ids, size)
            site.members_by_community[community_id] = members
            site.leaders_by_community[community_id] = members[0]
            for n, user_id in enumerate(members):
                joined = two_years_ago + timedelta(seconds=rng.random() ** 0.8 * 730 * 86400)
                role = "leader" if n == 0 else "member"
                if n and rng.random() < 0.15:  # left, and some came back
                    left = joined + (now - joined) * rng.random()
                    yield _membership(user_id, community_id, role, "left", joined, left)
                    if rng.random() < 0.3:
                        again = left + (now - left) * rng.random()
                        yield _membership(user_id, community_id, role, "active", again, None)
                else:
                    yield _membership(user_id, community_id, role, "active", joined, None)

    bulk_insert(Membership, periods(), "Membership history", int(sum(sizes) * 1.05))
    for seeder in LARGE_SEEDERS:
        seeder(site, bulk_insert)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # fresh statistics, or the planner guesses badly
        db.session.commit()
    return site


def _membership(user_id, community_id, role, status, joined, left) -> dict:
    return {
        "user_id": user_id, "community_id": community_id, "role": role, "status": status,
        "requested_at": joined, "joined_at": joined, "left_at": left,
    }  # fmt: skip
