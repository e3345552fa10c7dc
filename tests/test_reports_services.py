"""Report figures against hand-computed expectations on small histories."""

from datetime import UTC, date, datetime

import pytest

from community import services as communities
from core.extensions import db
from reports import services
from reports.periods import Period
from tests.conftest import make_community, make_user


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def test_periods_cover_months_and_iso_weeks_across_year_ends():
    december = Period.containing("month", date(2025, 12, 31))
    assert (december.start, december.end) == (date(2025, 12, 1), date(2025, 12, 31))
    assert december.key == "2025-12"
    assert december.next().key == "2026-01" and december.previous().key == "2025-11"
    february = Period.parse("month", "2028-02", date.today())
    assert february.end == date(2028, 2, 29)  # a leap year
    week = Period.parse("week", "2026-W01", date.today())
    assert (week.start, week.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.previous().key == "2025-W52"
    assert Period.parse("month", "13-2026", date(2026, 5, 5)).key == "2026-05"  # unreadable


@pytest.fixture
def history(app):
    leader = make_user("lead@example.com")
    community = make_community(leader)
    # The leader's own membership starts now (2026-11), after every period below.
    ann, bob, cat, dan = (make_user(f"{n}@example.com") for n in ("ann", "bob", "cat", "dan"))
    communities.join_community(ann, community, at=at("2026-09-15"))
    communities.join_community(bob, community, at=at("2026-09-30", 23))
    communities.join_community(cat, community, at=at("2026-10-01", 0))  # first hour of October
    communities.leave_community(bob, community, at=at("2026-10-10"))
    communities.join_community(bob, community, at=at("2026-10-20"))  # re-join
    communities.join_community(dan, community, at=at("2026-10-31", 23))
    communities.leave_community(ann, community, at=at("2026-11-01", 0))
    db.session.commit()
    return community


def test_october_figures_count_joins_leaves_and_rejoins(history):
    october = services.membership_figures(history, Period.containing("month", date(2026, 10, 1)))
    # Start: ann, bob. End (the last moment of October): ann, bob (again), cat, dan;
    # ann left at the first moment of November, which is November's.
    assert (october.members_at_start, october.members_at_end) == (2, 4)
    assert (october.joined, october.left, october.net) == (3, 1, 2)  # cat, bob again, dan; bob
    assert october.growth_percent == pytest.approx(100.0)


def test_september_started_from_nothing(history):
    september = services.membership_figures(history, Period.containing("month", date(2026, 9, 1)))
    assert (september.members_at_start, september.members_at_end, september.joined) == (0, 2, 2)
    assert september.growth_percent is None


def test_a_week_across_the_month_end(history):
    week = services.membership_figures(history, Period.parse("week", "2026-W40", date.today()))
    # 28 Sep – 4 Oct: starts with ann; bob and cat join.
    assert (week.members_at_start, week.members_at_end, week.joined, week.left) == (1, 3, 2, 0)


def test_channel_growth_uses_the_last_counts_at_each_end(history):
    channel = communities.add_channel(history, "Facebook group", "https://fb.example/pm")
    for day, count in [("2026-09-20", 500), ("2026-10-01", 520), ("2026-10-15", 560),
                       ("2026-11-03", 590)]:  # fmt: skip
        communities.record_snapshot(channel, date.fromisoformat(day), count)
    communities.add_channel(history, "LinkedIn", "https://linkedin.example/pm")  # no counts yet
    db.session.commit()
    october = Period.containing("month", date(2026, 10, 1))
    facebook, linkedin = services.channel_growth(history, october)
    assert (facebook.at_start, facebook.at_end) == (520, 560)
    assert facebook.growth_percent == pytest.approx(100 * 40 / 520)
    assert (linkedin.at_start, linkedin.at_end, linkedin.growth_percent) == (None, None, None)
