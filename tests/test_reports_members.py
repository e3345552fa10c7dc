"""Membership figures and active members against hand-computed expectations, and the site
overview."""

from datetime import date

import pytest

from community import services as communities
from community.models import JoinPolicy
from core.extensions import db
from reports import members, overview
from reports.periods import Period, parse_week
from tests.conftest import make_community, make_user
from tests.test_reports_support import (  # noqa: F401
    NOW,
    OCTOBER,
    SEPTEMBER,
    at,
    history_fixture,
    season_fixture,
)


def test_october_figures_count_joins_leaves_and_rejoins(history):
    october = members.membership_figures(history, OCTOBER)
    # Start: ann, bob. End (the last moment of October): ann, bob (again), cat, dan;
    # ann left at the first moment of November, which is November's.
    assert (october.members_at_start, october.members_at_end) == (2, 4)
    assert (october.joined, october.left, october.net) == (3, 1, 2)  # cat, bob again, dan; bob
    assert october.growth_percent == pytest.approx(100.0)


def test_september_started_from_nothing(history):
    september = members.membership_figures(history, SEPTEMBER)
    assert (september.members_at_start, september.members_at_end, september.joined) == (0, 2, 2)
    assert september.growth_percent is None


def test_a_week_across_the_month_end(history):
    week = members.membership_figures(history, parse_week("2026-W40", date(2026, 11, 25)))
    # 28 Sep – 4 Oct: starts with ann; bob and cat join.
    assert (week.members_at_start, week.members_at_end, week.joined, week.left) == (1, 3, 2, 0)


def test_october_in_kyiv_starts_and_ends_three_hours_and_two_hours_before_utc(history):
    kyiv = Period.containing("month", date(2026, 10, 1), "Europe/Kyiv")
    figures = members.membership_figures(history, kyiv)
    # Kyiv's October runs from 30 Sep 21:00 to 31 Oct 22:00 UTC: bob's first join
    # (30 Sep 23:00 UTC) is October's there, dan's (31 Oct 23:00 UTC) November's.
    assert (figures.members_at_start, figures.members_at_end) == (1, 3)  # ann; ann, bob, cat
    assert (figures.joined, figures.left) == (3, 1)  # bob, cat, bob again; bob


def test_several_periods_and_moments_come_from_one_query(history, count_queries):
    assert history.id  # loaded before counting
    with count_queries() as statements:
        figures, moments = members.membership_counts(
            history, [SEPTEMBER, OCTOBER], [at("2026-10-15"), at("2026-10-20", 12, 1)]
        )
    assert [s for s in statements if s.startswith("SELECT")] == statements[-1:]
    assert [f.members_at_end for f in figures] == [2, 4]
    assert moments == [2, 3]  # ann, cat; then bob again


def test_a_withdrawn_or_turned_down_request_is_not_a_member_who_left(history):
    history.join_policy = JoinPolicy.APPROVAL
    eve, fay = make_user("eve@example.com"), make_user("fay@example.com")
    communities.join_community(eve, history, at=at("2026-10-05"))
    communities.leave_community(eve, history, at=at("2026-10-06"))  # withdrawn
    request = communities.join_community(fay, history, at=at("2026-10-07"))
    db.session.commit()  # answering a request locks it first: a command of its own
    communities.reject_request(communities.leaders_of(history)[0], request)
    request.left_at = at("2026-10-08")  # turned down in October (the service stamps "now")
    db.session.commit()
    october = members.membership_figures(history, OCTOBER)
    # As before: cat, bob again and dan joined; bob left; neither request counts.
    assert (october.joined, october.left, october.net) == (3, 1, 2)
    (row,) = overview.site_overview(OCTOBER, now=NOW)
    assert (row.joined, row.left, row.members - row.members_before) == (3, 1, 2)


def test_active_members_did_something_while_they_were_members(season):
    active = members.active_members([SEPTEMBER, OCTOBER], [season.id])
    # September: ann (registered and came to the kick-off).
    # October: ann (events), bob (registered after re-joining), cat (commented on a brief);
    # not eve (never a member), not dan (his lead came before he joined).
    assert active == {season.id: [1, 3]}


def test_the_overview_puts_communities_side_by_side(season):
    qa_leader = make_user("qa@example.com")
    qa = make_community(qa_leader, "QA Guild", created_at=at("2026-08-01"))
    communities.join_community(make_user("tess@example.com"), qa, at=at("2026-10-09"))
    db.session.commit()
    rows = overview.site_overview(OCTOBER, "name", now=NOW)
    assert [row.community.name for row in rows] == ["Project Managers", "QA Guild"]
    pm, qa_row = rows
    assert (pm.members, pm.members_before, pm.joined, pm.left) == (4, 2, 3, 1)
    assert (pm.active, pm.events, pm.campaigns) == (3, 2, 2)
    assert pm.active_share == pytest.approx(75.0)
    assert (qa_row.members, qa_row.members_before, qa_row.active, qa_row.events) == (2, 1, 0, 0)
    assert qa_row.growth_percent == pytest.approx(100.0)
    by_members = overview.site_overview(OCTOBER, "members", descending=False, now=NOW)
    assert [row.community.name for row in by_members] == ["QA Guild", "Project Managers"]
    assert overview.site_overview(OCTOBER, "nonsense", now=NOW)[0].community.name == (
        "Project Managers"
    )
