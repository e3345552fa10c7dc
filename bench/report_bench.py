"""Server time of the community report for a big community.

    .venv/bin/python bench/report_bench.py [--requests 20] [--database-url URL] [--keep]

Seeds a throwaway database (by default a SQLite file under /tmp; or PostgreSQL, e.g.
`postgresql+psycopg://postgres@127.0.0.1/guildhall_reportbench`, which must exist and
whose name must contain "bench") with one community of 5,000 members, 200 events and two
years of history: joins, leaves and re-joins, registrations and attendance, a book
exchange with leads from outside people, promotion briefs with their comments, and
weekly counts of the Facebook group. Then it asks for the report page (and its CSV,
and the site overview) with the Flask test client, and prints the median and 95th
percentile of the server time over the requests, and the SQL statements per request.
The target is under 300 ms for the report page and the dashboard (the report page with no
period: this month so far). Each request runs in its own app context, as when served.

Measured on 1 December 2026 (2 cores, shared with a running test suite; load 4–5), 20
requests each, median / p95 ms and SQL statements per request:

    page                          SQLite          queries   PostgreSQL 15   queries
    dashboard (no period)          55 /  71          13       105 / 135        12
    report, last month             63 / 105          17       121 / 171        16
    report, this week              36 /  43          13        63 /  77        12
    report, two years of days     275 / 338          17       164 / 263        16
    report CSV, last month         90 / 122          17        64 /  86        16
    report Markdown, last month    72 / 117          17        72 / 146        16
    site overview, last month      31 /  36           7        24 /  41         6
    overview CSV, last month       13 /  19           7        29 /  38         6
"""

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounts.models import User  # noqa: E402
from app import create_app  # noqa: E402
from community.models import ChannelSnapshot, Community, ExternalChannel, Membership  # noqa: E402
from core.extensions import db  # noqa: E402
from demo.large import bulk_insert  # noqa: E402
from events.models import Event, Registration  # noqa: E402
from initiatives.models import CatalogItem, Initiative, Lead, Participant  # noqa: E402
from promotions.models import BriefComment, PromotionRequest  # noqa: E402

MEMBERS, EVENTS, DAYS = 5_000, 200, 730
TARGET_MS = 300


def add(model, **row) -> None:
    """One row, inserted as the bulk rows are: search indexing is not what is measured."""
    db.session.execute(insert(model), [row])
    db.session.commit()


def seed(rng: random.Random, now: datetime) -> int:
    """The big community and its history; returns the leader's id."""
    start = now - timedelta(days=DAYS)
    password = generate_password_hash("bench", method="pbkdf2:sha256:1000")

    def moment(after: datetime = start) -> datetime:
        return after + (now - after) * rng.random()

    people = MEMBERS + 1_000  # some never join: they register as guests or not at all
    bulk_insert(
        User,
        (
            {
                "email": f"person{i}@example.com",
                "display_name": f"Person {i}",
                "password_hash": password,
                "is_admin": i == 1,
                "is_smm": i == 2,
                "active": True,
                "created_at": start,
            }
            for i in range(people)
        ),  # fmt: skip
        "People",
        people,
    )
    user_ids = list(db.session.execute(select(User.id).order_by(User.id)).scalars())
    leader_id = user_ids[0]
    add(Community, name="Project Managers", slug="project-managers", kind="practice",
        created_at=start)  # fmt: skip
    community_id = db.session.execute(select(Community.id)).scalar_one()

    periods, member_ids = [], user_ids[:MEMBERS]
    for user_id in member_ids:
        joined = start if user_id == leader_id else moment()
        role = "leader" if user_id == leader_id else "member"
        row = {"user_id": user_id, "community_id": community_id, "requested_at": joined,
               "joined_at": joined, "role": role}  # fmt: skip
        if user_id != leader_id and rng.random() < 0.2:  # leaves, and one in three comes back
            left = moment(joined)
            periods.append({**row, "status": "left", "left_at": left})
            if rng.random() < 0.33:
                back = moment(left)
                periods.append({**row, "status": "active", "requested_at": back,
                                "joined_at": back})  # fmt: skip
            continue
        periods.append({**row, "status": "active"})
    bulk_insert(Membership, periods, "Membership periods", len(periods))

    events = []
    for i in range(EVENTS):
        starts = (start + timedelta(days=DAYS * (i + 0.5) / EVENTS)).replace(minute=0, second=0)
        events.append({"community_id": community_id, "title": f"Meetup {i + 1}",
                       "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                       "timezone": "Europe/Kyiv", "capacity": 60, "registration_goal": 40,
                       "created_at": starts - timedelta(days=20)})  # fmt: skip
    bulk_insert(Event, events, "Events", EVENTS)
    event_rows = db.session.execute(select(Event.id, Event.starts_at)).all()
    registrations = []
    for event_id, starts in event_rows:
        for user_id in rng.sample(user_ids, rng.randint(15, 60)):
            at = starts - timedelta(days=rng.randint(1, 14))
            registrations.append({"event_id": event_id, "user_id": user_id, "status":
                                  "confirmed" if rng.random() < 0.9 else "cancelled",
                                  "created_at": at, "requested_at": at, "updated_at": at,
                                  "attended": starts < now and rng.random() < 0.7})  # fmt: skip
    bulk_insert(Registration, registrations, "Registrations", len(registrations))

    add(Initiative, community_id=community_id, kind="catalog", title="Book exchange",
        status="active", created_by_id=leader_id, starts_on=start.date())  # fmt: skip
    initiative_id = db.session.execute(select(Initiative.id)).scalar_one()
    items = []
    for i in range(600):
        added = moment()
        exchanged = added + timedelta(days=rng.randint(1, 30))
        done = exchanged < now and rng.random() < 0.8
        amount = Decimal(rng.randint(100, 800)) if done else None
        items.append({"initiative_id": initiative_id, "title": f"Book {i}", "category": "Other",
                      "status": "exchanged" if done else "available", "created_at": added,
                      "contributor_user_id": rng.choice(member_ids),
                      "exchanged_at": exchanged if done else None,
                      "donation_amount": amount})  # fmt: skip
    bulk_insert(CatalogItem, items, "Catalog items", len(items))
    bulk_insert(
        Participant,
        (
            {
                "name": f"Guest {i}",
                "email": f"guest{i}@elsewhere.example",
                "created_at": start,
                "consent_at": start,
            }
            for i in range(400)
        ),  # fmt: skip
        "Outside participants",
        400,
    )
    participant_ids = list(db.session.execute(select(Participant.id)).scalars())
    leads = [
        {
            "initiative_id": initiative_id,
            "kind": "interest",
            "created_at": moment(),
            # Every row names both columns: bulk inserts (COPY) take one shape of row.
            **(
                {"participant_id": rng.choice(participant_ids), "user_id": None}
                if rng.random() < 0.4
                else {"participant_id": None, "user_id": rng.choice(user_ids)}
            ),
        }  # fmt: skip
        for _ in range(3_000)
    ]
    bulk_insert(Lead, leads, "Leads", len(leads))

    briefs = []
    for i in range(24):  # one campaign a month
        first = (start + timedelta(days=30 * i + 10)).date()
        briefs.append({"community_id": community_id, "subject_kind": "achievement",
                       "subject_id": community_id, "title": f"Campaign {i + 1}",
                       "objective": "group_members", "target": 50, "status":
                       "closed" if first < now.date() - timedelta(days=30) else "running",
                       "publish_from": first, "publish_until": first + timedelta(days=7),
                       "created_by_id": leader_id, "created_at": start})  # fmt: skip
    bulk_insert(PromotionRequest, briefs, "Promotion briefs", len(briefs))
    brief_ids = list(db.session.execute(select(PromotionRequest.id)).scalars())
    comments = [
        {
            "request_id": rng.choice(brief_ids),
            "author_id": rng.choice(member_ids),
            "body": "Looks good.",
            "created_at": moment(),
        }  # fmt: skip
        for _ in range(500)
    ]
    bulk_insert(BriefComment, comments, "Brief comments", len(comments))

    add(ExternalChannel, community_id=community_id, name="Facebook group",
        url="https://www.facebook.com/groups/pm")  # fmt: skip
    channel_id = db.session.execute(select(ExternalChannel.id)).scalar_one()
    bulk_insert(
        ChannelSnapshot,
        (
            {
                "channel_id": channel_id,
                "taken_on": start.date() + timedelta(weeks=w),
                "member_count": 2_000 + 15 * w,
            }
            for w in range(DAYS // 7)
        ),  # fmt: skip
        "Channel counts",
        DAYS // 7,
    )
    # Fresh statistics, so the planner knows the tables are no longer empty.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return leader_id


def measure(client, url: str, requests: int, engine) -> tuple[float, float, float, int]:
    """Median, 95th percentile and fastest in ms, and SQL statements per request."""
    for _ in range(2):  # warm: templates compiled, caches filled
        status = client.get(url).status_code
        assert status == 200, f"{url}: {status}"
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - began))
        assert response.status_code == 200, url
    event.remove(engine, "before_cursor_execute", count)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, times[0], len(statements) // requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL database to fill (name with 'bench')")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file afterwards")
    args = parser.parse_args()
    if args.database_url:
        if "bench" not in (make_url(args.database_url).database or ""):
            sys.exit("Refusing to empty a database whose name does not contain 'bench'.")
        url, scratch = args.database_url, None
    else:
        scratch = Path(tempfile.mkdtemp(prefix="guildhall-report-bench-"))
        url = f"sqlite:///{scratch / 'bench.sqlite'}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "report-bench-" + "x" * 40,
        "SEARCH_INDEX_DIR": tempfile.mkdtemp(prefix="guildhall-bench-index-"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Kyiv", "RATELIMIT_ENABLED": False,
        "TESTING": True,  # the test client signs in without a session row (accounts/sessions.py)
    })  # fmt: skip
    from flask_login import FlaskLoginClient

    logging.getLogger("guildhall.requests").setLevel(logging.WARNING)  # one line per request

    app.test_client_class = FlaskLoginClient
    now = datetime.now(UTC)
    last_month = (now.date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        leader_id = seed(random.Random(2026), now)
        print(f"Seeded in {time.perf_counter() - started:.0f} s on {db.engine.dialect.name}.")
        leader = app.test_client(user=db.session.get(User, leader_id))
        admin = app.test_client(user=db.session.get(User, leader_id + 1))
        engine = db.engine
    # Requests run outside any app context, so each gets its own (a fresh `g` and database
    # session), as when served; inside one, Flask would reuse it and its caches.
    report = "/communities/project-managers/report"
    two_years = f"start={now.date() - timedelta(days=DAYS - 1)}&end={now.date()}"
    pages = [
        ("dashboard (no period)", leader, report),
        ("report, last month", leader, f"{report}?period=month&month={last_month}"),
        ("report, this week", leader, f"{report}?period=week"),
        ("report, two years of days", leader, f"{report}?period=range&{two_years}"),
        ("report CSV, last month", leader, f"{report}.csv?month={last_month}"),
        ("report Markdown, last month", leader, f"{report}.md?month={last_month}"),
        ("site overview, last month", admin, f"/reports/?month={last_month}"),
        ("overview CSV, last month", admin, f"/reports/overview.csv?month={last_month}"),
    ]
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'min ms':>8} {'queries':>8}")
    for name, client, url in pages:
        median, p95, fastest, queries = measure(client, url, args.requests, engine)
        print(f"{name:<28} {median:>10.1f} {p95:>8.1f} {fastest:>8.1f} {queries:>8}")
    print(f"Target: the report page under {TARGET_MS} ms.")
    with app.app_context():
        if scratch is None:
            db.drop_all()
        db.engine.dispose()
    if scratch is not None and not args.keep:
        for path in sorted(scratch.iterdir()):
            path.unlink()
        scratch.rmdir()


if __name__ == "__main__":
    main()
