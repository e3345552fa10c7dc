"""`flask seed-demo --scale large`: a big site for benchmarks, inserted in bulk.

About 20,000 people, 300 communities and 200,000 membership periods over two
years; then events and registrations, initiatives and catalog items, briefs
and their posts, tracked links with their visitors and attributions
(`demo/large_*.py`); other features add their own bulk data
through `LARGE_SEEDERS`. Rows go in with COPY (PostgreSQL) or executemany
(SQLite) in chunks, never one ORM object at a time.
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
from core.text import with_html

CHUNK = 5_000
# name: (people, communities, membership periods)
SCALES = {
    "large": (20_000, 300, 200_000),
    "medium": (2_000, 60, 20_000),
    "small": (200, 10, 1_000),  # the benchmark's smoke test
}
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
    factor: float = 1.0  # the size asked for, as a share of the full large data set
    members_by_community: dict[int, list[int]] = field(default_factory=dict)
    leaders_by_community: dict[int, int] = field(default_factory=dict)
    event_ids: list[int] = field(default_factory=list)
    initiative_ids: list[int] = field(default_factory=list)
    catalog_ids: list[int] = field(default_factory=list)
    brief_ids: list[int] = field(default_factory=list)

    def share(self, full_size: int) -> int:
        """How many rows of a kind to make, given how many the full large set has."""
        return max(1, round(full_size * self.factor))


# Features append `seeder(site, progress)`; each inserts its rows in bulk.
LARGE_SEEDERS: list[Callable[[LargeSite, Callable], None]] = []


def chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def weighted_sizes(total: int, count: int, minimum: int = 1, shuffle=None) -> list[int]:
    """`count` sizes adding up to about `total`, falling off like real data: a few big, many
    small. Largest first, unless a random generator is given to `shuffle` them."""
    weights = [1 / (rank + 1) ** 0.8 for rank in range(count)]
    scale = total / sum(weights)
    sizes = [max(minimum, round(w * scale)) for w in weights]
    if shuffle is not None:
        shuffle.shuffle(sizes)
    return sizes


def bulk_insert(model, rows: Iterable[dict], label: str, total: int) -> None:
    """Insert `rows` in chunks with a progress bar; commits each chunk.

    PostgreSQL takes them with COPY (ten times faster than executemany), SQLite
    with executemany. Columns a row leaves out get their model default; the HTML
    of each Markdown column is rendered here, as a bulk insert skips the model.
    """
    table = getattr(model, "__table__", model)
    rows = (with_html(table, row) for row in rows)
    copy = db.engine.dialect.name == "postgresql"
    with click.progressbar(length=total, label=label.ljust(28)) as bar:
        for batch in chunks(rows):
            if copy:
                _copy(table, _with_defaults(table, batch))
            else:
                db.session.execute(insert(model), batch)
            db.session.commit()
            bar.update(len(batch))


def _with_defaults(table, batch: list[dict]) -> list[dict]:
    missing = [c for c in table.columns if c.name not in batch[0] and c.default is not None]
    for column in missing:
        default = column.default
        for row in batch:
            row[column.name] = default.arg if default.is_scalar else default.arg(None)
    return batch


def _copy(table, batch: list[dict]) -> None:
    columns = list(batch[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in batch:
            # A JSON column's dict goes as JSON (executemany does that through the model).
            copy.write_row([_json(row[name]) for name in columns])


def _json(value):
    from psycopg.types.json import Json

    return Json(value) if isinstance(value, dict) else value


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
                "email": {0: "admin@example.com", 1: "smm@example.com"}.get(i, email),
                "display_name": f"{first} {last}",
                "password_hash": password_hash,
                "is_admin": i == 0,
                "is_smm": i in (1, 2, 3),
                "active": True,
                "email_confirmed_at": two_years_ago,
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
    site = LargeSite(
        rng=rng, now=now, user_ids=user_ids, community_ids=community_ids,
        factor=memberships / SCALES["large"][2],
    )  # fmt: skip
    sizes = [min(len(user_ids), size) for size in weighted_sizes(memberships, communities, 5)]

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
    # Imported here: these modules build on LargeSite and bulk_insert above.
    from demo.large_conversations import seed_conversations
    from demo.large_events import seed_events
    from demo.large_initiatives import seed_initiatives
    from demo.large_links import seed_links
    from demo.large_promotions import seed_briefs

    seeders = (seed_events, seed_initiatives, seed_briefs, seed_links, seed_conversations)
    for seeder in (*seeders, *LARGE_SEEDERS):
        seeder(site, bulk_insert)
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, or the planner guesses badly; and the visibility map, without
        # which counts over an index still read every row from the table.
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return site


def _membership(user_id, community_id, role, status, joined, left) -> dict:
    return {
        "user_id": user_id, "community_id": community_id, "role": role, "status": status,
        "requested_at": joined, "joined_at": joined, "left_at": left,
    }  # fmt: skip
