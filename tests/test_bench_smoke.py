"""The load benchmark's code runs end to end, briefly, on a small SQLite data set.

It asserts nothing about speed (the machine running the tests is busy with
other things): only that every part runs and prints its table.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from accounts.models import User
from tests.conftest import missing_tool

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_and_prints_its_tables(tmp_path):
    if shutil.which("wrk") is None:
        missing_tool("wrk is not installed (make test installs it as root)")
    database = tmp_path / "bench.sqlite"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--database-url", f"sqlite:///{database}",
         "--scale", "small", "--seconds", "1", "--connections", "2", "--workers", "1",
         "--burst", "12", "--seats", "4", "--scan", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    for page in (
        "bare Flask hello",
        "naive 50-row page",
        "community directory",
        "community page",
        "event page",
        "catalog page",
        "brief queue (SMM)",
        "search",
        "home",
        "conversation list",
        "1,000-reply thread",
    ):
        assert page in output, output  # fmt: skip
    assert "Burst: 12 people press Register at once for 4 seats" in output
    assert "4 confirmed, 8 waitlisted, 0 errors" in output
    assert "workers" in output and "mix req/s" in output
    profiled_and_counted(f"sqlite:///{database}")


def profiled_and_counted(database_url: str) -> None:
    """The in-process tools on the same data: CPU by layer, and instructions."""
    layers = bench_tool("profile_page.py", database_url, "event page", "--by-layer",
                        "--requests", "5")  # fmt: skip
    assert "ms of CPU a request in-process; database driver" in layers
    if shutil.which("valgrind") is None:
        missing_tool("valgrind is not installed")
    counted = bench_tool("instructions.py", database_url, "--pages", "event page",
                         "--requests", "2")  # fmt: skip
    rows = {line[:24].strip(): line[24:].split() for line in counted.splitlines()[1:]}
    assert set(rows) == {"bare Flask hello", "naive 50-row page", "event page"}, counted
    assert rows["naive 50-row page"][1] == "1.00"
    assert float(rows["event page"][0]) > float(rows["bare Flask hello"][0]) > 0


def bench_tool(script: str, *args: str) -> str:
    """What one of bench/'s tools prints, after checking it succeeded."""
    done = subprocess.run([sys.executable, f"bench/{script}", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_large_data_holds_every_kind_in_proportion(app):
    """`seed-demo --scale small` in miniature: events, registrations, catalog, briefs."""
    import random

    from sqlalchemy import func, select

    from core.extensions import db
    from demo.large import SCALES, seed_large
    from events.models import Event, Registration
    from initiatives.models import CatalogItem
    from promotions.models import (
        Attribution,
        LinkVisit,
        PlannedPost,
        PromotionRequest,
        TrackedLink,
    )

    seed_large(random.Random(3), *SCALES["small"])
    count = lambda model: db.session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
    # Half a percent of the large set: 25 events, ~500 registrations, 250 books, 10 briefs.
    assert 20 <= count(Event) <= 30
    assert 450 <= count(Registration) <= 500
    assert count(CatalogItem) >= 250
    assert count(PromotionRequest) == 10 and count(PlannedPost) >= 1
    # Every published post has its tracked link, followed for some days; some sign-ups
    # came through them, each marked once.
    published = db.session.execute(
        select(func.count()).where(PlannedPost.published_at.is_not(None))
    ).scalar_one()
    assert count(TrackedLink) == published >= 1
    assert count(LinkVisit) >= count(TrackedLink)
    assert count(Attribution) >= 1
    # Conversations: some in every community, and one thread of 1,000 replies.
    from conversations.models import Post, Reply

    assert count(Post) >= 10 and count(Reply) == 1000
    thread = db.session.execute(select(Post).where(Post.reply_count == 1000)).scalar_one()
    assert thread.kind == "question"
    kinds = db.session.execute(select(Attribution.kind, Attribution.object_id)).all()
    assert len(set(kinds)) == len(kinds)
    smm = db.session.execute(select(User).where(User.email == "smm@example.com")).scalar_one()
    assert smm.is_smm


def test_registrations_cut_by_a_small_pool_go_to_events_with_room():
    from demo.large_events import within_caps

    sizes = within_caps([50, 30, 10, 10], caps=[20, 100, 100, 5], total=100)
    assert sizes[0] == 20 and sizes[3] == 5
    assert sum(sizes) == 100 and all(s <= c for s, c in zip(sizes, [20, 100, 100, 5], strict=True))
    assert within_caps([10, 10], caps=[3, 4], total=20) == [3, 4]  # no room left: stop


def test_large_data_gives_each_person_one_interest_lead_per_initiative(app):
    """Many leads over few people: "I'm in" is one lead per employee and initiative, as the
    unique index (uq_leads_interest_user) demands of the bulk insert too."""
    import random

    from sqlalchemy import func, select

    from core.extensions import db
    from core.models import utcnow
    from demo.large import LargeSite, bulk_insert
    from demo.large_initiatives import seed_initiatives
    from initiatives.models import Lead
    from tests.conftest import make_community, make_user

    people = [make_user(f"p{i}@example.com", f"Person {i}") for i in range(3)]
    community = make_community(people[0])
    site = LargeSite(rng=random.Random(5), now=utcnow(), user_ids=[p.id for p in people],
                     community_ids=[community.id], factor=0.02)  # fmt: skip
    site.members_by_community[community.id] = site.user_ids
    site.leaders_by_community[community.id] = people[0].id
    seed_initiatives(site, bulk_insert)

    interest = select(Lead.initiative_id, Lead.user_id).where(
        Lead.kind == "interest", Lead.user_id.is_not(None)
    )
    rows = db.session.execute(interest).all()
    assert len(rows) == len(set(rows)) >= 1
    assert db.session.execute(select(func.count()).select_from(Lead)).scalar_one() == 200
