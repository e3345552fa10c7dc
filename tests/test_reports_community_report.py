"""A community's report: campaigns and their windows on the chart, and every figure against
the period before."""

from datetime import UTC, date, datetime, timedelta

import pytest

from community import services as communities
from core.extensions import db
from promotions.models import BriefStatus
from reports import campaigns, overview
from reports.community_report import community_report
from reports.periods import Period, check_range
from tests.conftest import make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in
from tests.test_reports_support import (  # noqa: F401
    NOW,
    OCTOBER,
    SEPTEMBER,
    at,
    history_fixture,
    season_fixture,
)


def test_campaigns_are_briefs_on_the_calendar_whose_window_touches_the_days(season):
    briefs = campaigns.campaigns_between(season, date(2026, 10, 1), date(2026, 10, 31))
    assert [brief.title for brief in briefs] == ["Teaser", "Book sale stories"]
    assert [campaigns.ran_in(b, SEPTEMBER) for b in briefs] == [True, False]


def test_a_campaign_window_is_placed_between_the_points_of_its_days():
    months = Period.containing("month", date(2026, 10, 1)).units("month", 12)  # Nov … Oct
    # 13–20 October: from 12/31 to 20/31 of the way from September's point to October's.
    low, high = campaigns.window_on_chart(months, date(2026, 10, 13), date(2026, 10, 20))
    assert low == pytest.approx(10 + 12 / 31, abs=1e-3)
    assert high == pytest.approx(10 + 20 / 31, abs=1e-3)
    # Across a month end: 28 September – 2 October.
    low, high = campaigns.window_on_chart(months, date(2026, 9, 28), date(2026, 10, 2))
    assert low == pytest.approx(9 + 27 / 30, abs=1e-3)
    assert high == pytest.approx(10 + 2 / 31, abs=1e-3)
    # One day is widened so that it shows; a window before the chart is left out,
    # one that began before it is cut at its first point.
    low, high = campaigns.window_on_chart(months, date(2026, 5, 10), date(2026, 5, 10))
    assert high - low == pytest.approx(0.15, abs=1e-3)
    assert campaigns.window_on_chart(months, date(2025, 1, 1), date(2025, 10, 31)) is None
    assert campaigns.window_on_chart(months, date(2025, 10, 20), date(2025, 11, 30))[0] == 0


def test_the_october_report_against_september(season):
    report = community_report(season, OCTOBER, now=NOW)
    figures = {(f.section, f.key): (f.value, f.previous) for f in report.figures}
    assert figures[("membership", "members")] == (4, 2)
    assert figures[("membership", "net")] == (2, 2)
    assert figures[("activity", "active")] == (3, 1)
    assert figures[("activity", "active_share")] == (pytest.approx(75.0), pytest.approx(50.0))
    assert figures[("events", "held")] == (2, 1)
    assert figures[("events", "registrations")] == (5, 1)
    assert figures[("events", "attendance_rate")] == (pytest.approx(50.0), pytest.approx(100.0))
    assert figures[("leads", "leads")] == (2, 1)
    assert figures[("leads", "outside_participants")] == (1, 1)
    assert figures[("promotions", "campaigns")] == (2, 1)
    assert [unit.key for unit in report.units] == [f"2025-{m}" for m in ("11", "12")] + [
        f"2026-{m:02d}" for m in range(1, 11)
    ]
    assert [f.members_at_end for f in report.members_by_unit[-3:]] == [0, 2, 4]
    assert report.largest_event.title == "Workshop"
    assert [band.title for band in report.bands] == ["Teaser", "Book sale stories"]
    stories = report.campaigns[1]
    # Members when the stories went out (13 Oct: ann, cat), when they ended (21 Oct: and
    # bob, again), and a month later (20 Nov: bob, cat, dan; ann had left).
    assert (stories.lift.before, stories.lift.after, stories.lift.later) == (2, 3, 3)
    assert (stories.lift.lift, stories.lift.kept) == (1, 1)
    # Outcome lines come from promotions.outcomes: the stories' frozen final figure, and
    # the teaser's leads so far (none, against 40).
    assert [(c.outcome.actual, c.outcome.target) for c in report.campaigns] == [(0, 40), (44, 40)]
    assert report.best_campaign is stories
    assert not report.under_way


def test_a_scheduled_window_that_has_not_opened_yet_published_nothing(season):
    leader, smm = communities.leaders_of(season)[0], make_user("smm2@example.com", is_smm=True)
    upcoming = brief_in(BriefStatus.SCHEDULED, leader, smm, season)
    upcoming.title, upcoming.publish_from = "Advent teaser", date(2026, 11, 27)
    upcoming.publish_until = date(2026, 12, 3)
    db.session.commit()
    november = OCTOBER.next()
    report = community_report(season, november, now=NOW)  # 25 November
    figures = {(f.section, f.key): (f.value, f.previous) for f in report.figures}
    assert figures[("promotions", "campaigns")] == (0, 2)  # October's two, as before
    assert report.campaigns == [] and "Advent teaser" not in [b.title for b in report.bands]
    assert overview.site_overview(november, now=NOW)[0].campaigns == 0
    # Once it opens it counts, from the members at its first moment: bob, cat, dan.
    opened = datetime(2026, 11, 28, 9, tzinfo=UTC)
    (campaign,) = community_report(season, november, now=opened).campaigns
    assert (campaign.brief.title, campaign.lift.before, campaign.lift.later) == (
        "Advent teaser", 3, None,
    )  # fmt: skip
    assert overview.site_overview(november, now=opened)[0].campaigns == 1


def test_each_campaign_on_the_chart_says_what_stayed_a_month_later(season):
    # The December report (on 20 December) has both October campaigns on its chart, though
    # neither ran in December.
    december = OCTOBER.next().next()
    report = community_report(season, december, now=at("2026-12-20"))
    assert report.campaigns == []
    teaser, stories = report.bands
    # Teaser, 28 Sep – 2 Oct: ann at its start; ann, bob, cat at its end (3 Oct); on
    # 2 November bob, cat, dan (ann left on 1 November). Stories as in the October report.
    assert (teaser.lift.before, teaser.lift.after, teaser.lift.later) == (1, 3, 3)
    assert (teaser.lift.lift, teaser.lift.kept) == (2, 2)
    assert (stories.title, stories.lift.before, stories.lift.after) == ("Book sale stories", 2, 3)


def test_a_report_queries_the_same_number_of_times_whatever_the_history(season, count_queries):
    db.session.expire_all()
    with count_queries() as statements:
        community_report(season, OCTOBER, now=NOW)
    small = len(statements)
    leader = communities.leaders_of(season)[0]
    for i in range(30):
        person = make_user(f"more{i}@example.com")
        communities.join_community(person, season, at=at("2026-10-03") + timedelta(hours=i))
        make_event(leader, season, title=f"Meetup {i}", starts_at=at("2026-10-05", 9) +
                   timedelta(hours=i))  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    with count_queries() as statements:
        community_report(season, OCTOBER, now=NOW)
    # BEGIN, the community itself, then the report's own queries.
    assert len(statements) == small <= 15, "\n".join(statements)


def test_a_range_report_compares_with_the_days_before_it(season):
    autumn = check_range(date(2026, 9, 16), date(2026, 10, 31), date(2026, 11, 25))
    report = community_report(season, autumn, now=NOW)
    figures = {(f.section, f.key): (f.value, f.previous) for f in report.figures}
    # 16 Sep – 31 Oct against 1 Aug – 15 Sep (46 days each).
    assert figures[("membership", "joined")] == (4, 1)  # bob, cat, bob, dan; ann
    assert figures[("events", "held")] == (3, 0)
    assert report.units[-1].key == "2026-10" and len(report.units) == 12
