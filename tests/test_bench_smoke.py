"""The load benchmark's code runs end to end, briefly, on a small SQLite data set.

It asserts nothing about speed (the machine running the tests is busy with
other things): only that every part runs and prints its table.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import User

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    shutil.which("wrk") is None and os.environ.get("CI") != "true",
    reason="wrk is not installed (make test installs it as root)",
)
def test_benchmark_runs_and_prints_its_tables(tmp_path):
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
    ):
        assert page in output, output  # fmt: skip
    assert "Burst: 12 people press Register at once for 4 seats" in output
    assert "4 confirmed, 8 waitlisted, 0 errors" in output
    assert "workers" in output and "mix req/s" in output


def test_large_data_holds_every_kind_in_proportion(app):
    """`seed-demo --scale small` in miniature: events, registrations, catalog, briefs."""
    import random

    from sqlalchemy import func, select

    from core.extensions import db
    from demo.large import SCALES, seed_large
    from events.models import Event, Registration
    from initiatives.models import CatalogItem
    from promotions.models import PlannedPost, PromotionRequest

    seed_large(random.Random(3), *SCALES["small"])
    count = lambda model: db.session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
    # Half a percent of the large set: 25 events, ~500 registrations, 250 books, 10 briefs.
    assert 20 <= count(Event) <= 30
    assert 250 <= count(Registration) <= 500
    assert count(CatalogItem) >= 250
    assert count(PromotionRequest) == 10 and count(PlannedPost) >= 1
    smm = db.session.execute(select(User).where(User.email == "smm@example.com")).scalar_one()
    assert smm.is_smm
