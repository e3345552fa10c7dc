"""Growth counted in grouped periods by the database equals a count of every period."""

from datetime import UTC, date, datetime, timedelta

import pytest

from community import history, services
from community.models import JoinPolicy
from core.extensions import db
from tests.conftest import make_community, make_user


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def messy_history(app):
    """Periods before, across, within and after the counted months, a re-join, a
    request never approved (no join date), and an approved one."""
    leader = make_user("lead@example.com")
    community = make_community(leader, join_policy=JoinPolicy.OPEN)
    people = [make_user(f"p{i}@example.com") for i in range(7)]
    services.join_community(people[0], community, at=at("2025-06-01"))
    services.leave_community(people[0], community, at=at("2025-08-01"))  # gone before
    services.join_community(people[1], community, at=at("2025-11-30", 23))  # across
    services.join_community(people[2], community, at=at("2026-01-01", 0))  # on an edge
    services.leave_community(people[2], community, at=at("2026-02-01", 0))  # on an edge
    services.join_community(people[2], community, at=at("2026-03-15"))  # back again
    services.join_community(people[3], community, at=at("2026-02-10"))
    services.leave_community(people[3], community, at=at("2026-05-02"))  # after the end
    services.join_community(people[4], community, at=at("2026-06-01"))  # after the end
    approval = make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)
    services.join_community(people[5], approval, at=at("2026-01-10"))  # pending: never counted
    services.join_community(people[6], approval, at=at("2026-01-11"))
    pending = services.current_membership(people[6], approval)
    db.session.commit()  # answering a request locks it first: a command of its own
    services.approve_request(leader, pending, at=at("2026-02-20"))
    db.session.commit()
    return community, approval


def reference(community, start: date, end: date, interval: str):
    """The same series counted in Python from every membership period."""
    starts = history._period_starts(start, end, interval)
    before = history._start_of_day(end + timedelta(days=1))
    periods = history._membership_periods(community, before)
    return history._count_points(periods, starts, end)


@pytest.mark.parametrize(
    ("start", "end", "interval"),
    [
        (date(2025, 12, 1), date(2026, 4, 30), "month"),
        (date(2026, 1, 1), date(2026, 3, 20), "week"),
        (date(2025, 12, 25), date(2026, 3, 31), "day"),
    ],
)
def test_grouped_counts_equal_counting_every_membership_period(messy_history, start, end, interval):
    for community in messy_history:
        assert history.member_counts(community, start, end, interval) == reference(
            community, start, end, interval
        )


def test_growth_overview_counts_members_now_and_a_month_ago(messy_history):
    community, approval = messy_history
    now = at("2026-03-20")
    growth, months = history.growth_overview(community, months=4, days=30, now=now)
    assert growth == history.growth(community, days=30, now=now)
    assert months == reference(community, date(2025, 12, 1), now.date(), "month")
    growth, _ = history.growth_overview(approval, months=4, days=30, now=now)
    # The leaders joined when the communities were made (today); the request is counted
    # from its approval on 20 February, the one never approved not at all.
    assert (growth.members_before, growth.members) == (0, 1)


def test_a_community_with_no_members_has_empty_months(app):
    community = make_community(make_user("lead@example.com"))
    points = history.member_counts(community, date(2020, 1, 1), date(2020, 3, 1), "month")
    assert [(p.members, p.joined, p.left) for p in points] == [(0, 0, 0)] * 3
