"""The one rule of membership history, exactly at its boundaries: a membership period is
[joined_at, left_at), and a period [start, end) owns the joins and leaves at its start.
Every count built on the rule (the community's growth series, counted in the database or
here, the reports' figures and the site overview) must agree at the edges."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, literal, select

from community import history
from community import services as communities
from community.models import JoinPolicy, Membership, MembershipRole
from core.extensions import db
from reports.members import membership_counts, membership_figures
from reports.overview import site_overview
from reports.periods import Period
from tests.conftest import make_community, make_user

M = datetime(2026, 3, 10, tzinfo=UTC)  # midnight: the edge between 9 and 10 March (UTC)
TICK = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
MARCH_9 = Period("range", date(2026, 3, 9), date(2026, 3, 9))
MARCH_10 = Period("range", date(2026, 3, 10), date(2026, 3, 10))


@pytest.fixture
def community(app):
    # The leader joins when the community is made (now): after every moment below.
    return make_community(make_user("lead@example.com"))


def _person(name: str):
    return make_user(f"{name}@example.com")


def _just_before(community, moment: datetime) -> int:
    return db.session.execute(
        select(func.count()).where(
            Membership.community_id == community.id, history.member_just_before(moment)
        )
    ).scalar_one()


def _figures(community, period: Period) -> tuple[int, int, int, int]:
    figures = membership_figures(community, period)
    return figures.members_at_start, figures.members_at_end, figures.joined, figures.left


def _series(community, first: date, last: date) -> list[tuple[int, int, int]]:
    """Members at the end of each day, joins and leaves in it: counted by the database,
    and counted here from the membership periods (as long series are); both must agree."""
    in_sql = history.member_counts(community, first, last, "day")
    starts = history._period_starts(first, last, "day")
    periods = history._membership_periods(community, history._start_of_day(last) + 24 * HOUR)
    assert history._count_points(periods, starts, last) == in_sql
    return [(point.members, point.joined, point.left) for point in in_sql]


def _overview(community, period: Period) -> tuple[int, int, int, int]:
    (row,) = [row for row in site_overview(period) if row.community.id == community.id]
    return row.members_before, row.members, row.joined, row.left


# --- a moment -----------------------------------------------------------------------------


def test_joining_at_a_moment_makes_a_member_at_that_moment(community):
    communities.join_community(_person("ann"), community, at=M)
    db.session.commit()
    assert history.member_count_at(community, M - TICK) == 0
    assert history.member_count_at(community, M) == 1
    # Just before M she was not yet a member; just before the next instant she was.
    assert (_just_before(community, M), _just_before(community, M + TICK)) == (0, 1)


def test_leaving_at_a_moment_means_not_a_member_at_that_moment(community):
    ann = _person("ann")
    communities.join_community(ann, community, at=M - 24 * HOUR)
    communities.leave_community(ann, community, at=M)
    db.session.commit()
    assert history.member_count_at(community, M - TICK) == 1
    assert history.member_count_at(community, M) == 0
    assert (_just_before(community, M), _just_before(community, M + TICK)) == (1, 0)


def test_a_person_is_a_member_for_their_activity_from_joining_until_leaving(community):
    ann = _person("ann")
    communities.join_community(ann, community, at=M)
    communities.leave_community(ann, community, at=M + HOUR)
    db.session.commit()

    def member(moment: datetime) -> bool:
        # As reports join an activity's person and community onto their memberships.
        clause = history.member_at(moment, literal(ann.id), literal(community.id))
        return db.session.execute(select(func.count()).where(clause)).scalar_one() == 1

    assert [member(m) for m in (M - TICK, M, M + HOUR - TICK, M + HOUR)] == [
        False,
        True,
        True,
        False,
    ]


def test_a_request_never_approved_was_never_a_member(community):
    community.join_policy = JoinPolicy.APPROVAL
    ann = _person("ann")
    communities.join_community(ann, community, at=M - HOUR)
    communities.leave_community(ann, community, at=M + HOUR)  # withdrawn
    db.session.commit()
    assert history.member_count_at(community, M) == 0
    assert _figures(community, MARCH_10) == (0, 0, 0, 0)


# --- periods --------------------------------------------------------------------------------


def test_a_join_on_a_period_edge_is_the_period_starting_there(community):
    communities.join_community(_person("ann"), community, at=M)
    db.session.commit()
    # 9 March ends without her; 10 March starts without her and gains her.
    assert _figures(community, MARCH_9) == (0, 0, 0, 0)
    assert _figures(community, MARCH_10) == (0, 1, 1, 0)
    assert _series(community, date(2026, 3, 9), date(2026, 3, 10)) == [(0, 0, 0), (1, 1, 0)]
    assert _overview(community, MARCH_10) == (0, 1, 1, 0)


def test_a_leave_on_a_period_edge_is_the_period_starting_there(community):
    ann = _person("ann")
    communities.join_community(ann, community, at=M - 18 * HOUR)  # 9 March, 06:00
    communities.leave_community(ann, community, at=M)
    db.session.commit()
    # 9 March ends with her; 10 March starts with her and loses her.
    assert _figures(community, MARCH_9) == (0, 1, 1, 0)
    assert _figures(community, MARCH_10) == (1, 0, 0, 1)
    assert _series(community, date(2026, 3, 9), date(2026, 3, 10)) == [(1, 1, 0), (0, 0, 1)]
    assert _overview(community, MARCH_10) == (1, 0, 0, 1)


def test_joining_and_leaving_within_a_period_counts_both_and_moves_no_edge(community):
    ann, bob = _person("ann"), _person("bob")
    communities.join_community(ann, community, at=M + HOUR)
    communities.leave_community(ann, community, at=M + 2 * HOUR)
    # A membership that ends the instant it began was never a member at any moment.
    communities.join_community(bob, community, at=M + 3 * HOUR)
    communities.leave_community(bob, community, at=M + 3 * HOUR)
    db.session.commit()
    assert [history.member_count_at(community, M + h * HOUR) for h in (1, 2, 3)] == [1, 0, 0]
    assert _figures(community, MARCH_10) == (0, 0, 2, 2)
    assert _series(community, date(2026, 3, 10), date(2026, 3, 10)) == [(0, 2, 2)]
    assert _overview(community, MARCH_10) == (0, 0, 2, 2)


def test_each_period_ends_with_the_members_the_next_starts_with(community):
    ann, bob, cat, dan = (_person(name) for name in ("ann", "bob", "cat", "dan"))
    day = timedelta(days=1)
    communities.join_community(ann, community, at=M - day)  # on the edge of 9 March
    communities.join_community(bob, community, at=M - TICK)  # the last instant of 9 March
    communities.leave_community(ann, community, at=M)  # on the edge of 10 March
    communities.join_community(cat, community, at=M + day)  # on the edge of 11 March
    communities.leave_community(bob, community, at=M + day)
    communities.join_community(dan, community, at=M + 2 * day - TICK)
    db.session.commit()
    days = [Period("range", d, d) for d in (date(2026, 3, n) for n in (9, 10, 11))]
    figures, at_edges = membership_counts(community, days, [M, M + day])
    assert [(f.members_at_start, f.members_at_end, f.joined, f.left) for f in figures] == [
        (0, 2, 2, 0),  # ann and bob
        (2, 1, 0, 1),  # ann leaves
        (1, 2, 2, 1),  # cat and dan come, bob goes
    ]
    for period, following in zip(figures, figures[1:], strict=False):
        assert period.members_at_end == following.members_at_start
    for f in figures:
        assert f.members_at_end - f.members_at_start == f.joined - f.left
    assert at_edges == [2, 1]  # the members each of 10 and 11 March starts with
    assert _series(community, date(2026, 3, 9), date(2026, 3, 11)) == [
        (f.members_at_end, f.joined, f.left) for f in figures
    ]


# --- leaders --------------------------------------------------------------------------------


def test_active_leaders_are_the_active_memberships_with_the_leader_role(community):
    leader = communities.leaders_of(community)[0]
    ann, bob, cat = (_person(name) for name in ("ann", "bob", "cat"))
    for person in (ann, bob, cat):
        communities.join_community(person, community)
    communities.set_member_role(leader, communities.current_membership(ann, community), "leader")
    communities.set_member_role(leader, communities.current_membership(bob, community), "leader")
    communities.leave_community(bob, community)  # a leader who left leads no more
    db.session.commit()
    assert history.active_leaders([community.id]) == {community.id: [ann, leader]}  # by name
    assert communities.leaders_of(community) == [ann, leader]
    assert communities.led_community_ids(ann) == [community.id]
    assert communities.led_community_ids(bob) == communities.led_community_ids(cat) == []
    ann.active = False
    db.session.commit()
    assert history.active_leaders([community.id], only_active_accounts=True) == {
        community.id: [leader]
    }
    assert history.active_leaders([]) == {}
    roles = db.session.execute(
        select(Membership.role).where(history.active_leader_clause())
    ).scalars()
    assert set(roles) == {MembershipRole.LEADER}
