"""Community rules and growth figures, with hand-computed expectations."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from community import history as membership_history
from community import services
from community.models import CommunityKind, JoinPolicy, Membership, MembershipRole
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from core.signals import member_joined, member_left
from tests.conftest import make_community, make_user


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def leader(app):
    return make_user("lead@example.com", "Lena Leader")


@pytest.fixture
def community(leader):
    return make_community(leader)


def test_creating_a_community_makes_the_creator_its_leader(leader, community):
    assert community.slug == "project-managers"
    assert services.is_leader(leader, community)
    assert services.leaders_of(community) == [leader]


def test_a_name_in_ukrainian_gets_a_readable_unique_slug(leader):
    first = make_community(leader, "Лідерство")
    second = services.create_community(leader, name="Лідерство!", kind=CommunityKind.INTEREST)
    assert first.slug == "liderstvo"
    assert second.slug == "liderstvo-2"


def test_names_are_unique_ignoring_case(leader, community):
    with pytest.raises(DomainError, match="already exists"):
        services.create_community(leader, name="project managers", kind=CommunityKind.PRACTICE)


def test_joining_an_open_community_makes_an_active_member(community):
    ann = make_user("ann@example.com")
    membership = services.join_community(ann, community)
    assert membership.is_active and membership.joined_at is not None
    assert services.is_member(ann, community)


def test_joining_an_approval_community_waits_for_a_leader(leader):
    qa = make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)
    ann = make_user("ann@example.com")
    membership = services.join_community(ann, qa)
    assert membership.status == "pending" and not services.is_member(ann, qa)
    with pytest.raises(DomainError, match="waiting"):
        services.join_community(ann, qa)
    db.session.commit()  # each step is its own command: the approval locks the request first
    services.approve_request(leader, membership)
    assert services.is_member(ann, qa)
    db.session.commit()
    with pytest.raises(DomainError, match="already handled"):
        services.reject_request(leader, membership)


def test_joining_twice_is_refused(community):
    ann = make_user("ann@example.com")
    services.join_community(ann, community)
    with pytest.raises(DomainError, match="already a member"):
        services.join_community(ann, community)


def test_a_racing_second_join_is_refused_by_the_database(community, monkeypatch):
    ann = make_user("ann@example.com")
    services.join_community(ann, community)
    db.session.commit()
    # A second request that checked before the first one committed:
    monkeypatch.setattr(services, "current_membership", lambda user, community: None)
    with pytest.raises(DomainError, match="already a member"):
        services.join_community(ann, community)
    db.session.rollback()
    assert db.session.execute(select(Membership).where(Membership.user_id == ann.id)).all()


def test_an_archived_community_takes_no_one(leader, community):
    services.archive_community(leader, community)
    with pytest.raises(DomainError, match="archived"):
        services.join_community(make_user("ann@example.com"), community)


def test_leaving_and_rejoining_keeps_both_periods(community):
    ann = make_user("ann@example.com")
    services.join_community(ann, community, at=at("2026-01-10"))
    services.leave_community(ann, community, at=at("2026-03-05"))
    services.join_community(ann, community, at=at("2026-06-01"))
    periods = db.session.execute(
        select(Membership.joined_at, Membership.left_at)
        .where(Membership.user_id == ann.id)
        .order_by(Membership.id)
    ).all()
    assert periods == [(at("2026-01-10"), at("2026-03-05")), (at("2026-06-01"), None)]


def test_the_only_leader_cannot_leave_or_step_down(leader, community):
    with pytest.raises(DomainError, match="only leader"):
        services.leave_community(leader, community)
    own = services.current_membership(leader, community)
    with pytest.raises(DomainError, match="at least one leader"):
        services.set_member_role(leader, own, MembershipRole.MEMBER)


def test_a_promoted_member_lets_the_first_leader_step_down(leader, community):
    ann = make_user("ann@example.com")
    membership = services.join_community(ann, community)
    services.set_member_role(leader, membership, MembershipRole.LEADER)
    services.set_member_role(ann, services.current_membership(leader, community), "member")
    assert services.leaders_of(community) == [ann]
    actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    assert list(actions)[-2:] == ["membership.role.leader", "membership.role.member"]


def test_leaving_when_not_a_member_is_explained(community):
    with pytest.raises(DomainError, match="not a member"):
        services.leave_community(make_user("ann@example.com"), community)


def test_join_and_leave_send_signals(community):
    ann = make_user("ann@example.com")
    seen = []
    with member_joined.connected_to(lambda sender, membership: seen.append(("joined", sender))):
        services.join_community(ann, community)
    with member_left.connected_to(lambda sender, membership: seen.append(("left", sender))):
        services.leave_community(ann, community)
    assert seen == [("joined", community), ("left", community)]


@pytest.fixture
def history(leader, community):
    """Hand-made history; the leader joined when the community was made (now)."""
    ann, bob, cat, dan = (make_user(f"{n}@example.com") for n in ("ann", "bob", "cat", "dan"))
    services.join_community(ann, community, at=at("2026-01-05"))
    services.join_community(bob, community, at=at("2026-01-20"))
    services.join_community(cat, community, at=at("2026-02-10"))
    services.leave_community(bob, community, at=at("2026-02-15"))
    services.join_community(bob, community, at=at("2026-03-31", 23))  # re-join, last hour of March
    services.join_community(dan, community, at=at("2026-03-02"))
    services.leave_community(dan, community, at=at("2026-03-03"))
    db.session.commit()
    return community


def test_member_counts_per_month_follow_joins_leaves_and_rejoins(history):
    points = membership_history.member_counts(history, date(2026, 1, 1), date(2026, 4, 30), "month")
    assert [(p.period_start, p.members, p.joined, p.left) for p in points] == [
        (date(2026, 1, 1), 2, 2, 0),  # ann, bob
        (date(2026, 2, 1), 2, 1, 1),  # + cat, - bob
        (date(2026, 3, 1), 3, 2, 1),  # + dan - dan, + bob again on 31 March
        (date(2026, 4, 1), 3, 0, 0),
    ]


def test_member_counts_per_week_start_on_monday(history):
    points = membership_history.member_counts(history, date(2026, 3, 1), date(2026, 3, 10), "week")
    assert [(p.period_start, p.members, p.joined, p.left) for p in points] == [
        (date(2026, 2, 23), 2, 0, 0),  # week of 23 Feb ends Sunday 1 March: ann, cat
        (date(2026, 3, 2), 2, 1, 1),  # dan came and went
        (date(2026, 3, 9), 2, 0, 0),  # cut at the end of 10 March
    ]


def test_member_counts_per_day_count_at_the_end_of_each_day(history):
    points = membership_history.member_counts(history, date(2026, 3, 2), date(2026, 3, 3), "day")
    assert [p.members for p in points] == [3, 2]


def test_member_counts_reject_a_reversed_period_and_unknown_interval(history):
    with pytest.raises(ValueError):
        membership_history.member_counts(history, date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValueError):
        membership_history.member_counts(history, date(2026, 3, 1), date(2026, 3, 2), "year")


def test_growth_over_the_last_30_days(leader, community):
    now = datetime.now(UTC)
    old = [make_user(f"old{i}@example.com") for i in range(3)]
    for user in old:
        services.join_community(user, community, at=now - timedelta(days=100))
    # the leader joined "now" when the community was made: 1 + 3 = 4 today
    services.leave_community(old[0], community, at=now - timedelta(days=5))
    for i in range(2):
        services.join_community(
            make_user(f"new{i}@example.com"), community, at=now - timedelta(days=3)
        )
    growth = membership_history.growth(community, now=now)
    # 30 days ago: 3 old members (the leader's membership started now)
    assert (growth.members_before, growth.members, growth.delta) == (3, 5, 2)
    assert growth.percent == pytest.approx(66.666, rel=1e-3)


def test_growth_from_nothing_has_no_percentage(community):
    growth = membership_history.growth(community)
    assert growth.members_before == 0 and growth.percent is None


def test_snapshots_replace_the_same_day_and_refuse_bad_counts(community):
    channel = services.add_channel(community, "Facebook group", "https://facebook.example/g/pm")
    services.record_snapshot(channel, date(2026, 1, 1), 100)
    services.record_snapshot(channel, date(2026, 1, 1), 113)
    db.session.commit()
    assert [(s.taken_on, s.member_count) for s in channel.snapshots] == [(date(2026, 1, 1), 113)]
    with pytest.raises(DomainError, match="negative"):
        services.record_snapshot(channel, date(2026, 1, 2), -1)
    with pytest.raises(DomainError, match="future"):
        services.record_snapshot(channel, utcnow().date() + timedelta(days=1), 5)
    with pytest.raises(DomainError, match="already listed"):
        services.add_channel(community, "Same", "https://facebook.example/g/pm")


def test_growth_overview_matches_the_separate_figures(history):
    now = datetime(2026, 4, 15, tzinfo=UTC)
    growth, months = membership_history.growth_overview(history, months=4, days=30, now=now)
    assert growth == membership_history.growth(history, days=30, now=now)
    assert months == membership_history.member_counts(
        history, date(2026, 1, 1), date(2026, 4, 15), "month"
    )


def test_a_name_the_database_finds_taken_is_refused_with_a_message(leader, community, monkeypatch):
    # SQLite's lower() only folds ASCII, so "Ärzte"/"ärzte" slip past the case-insensitive
    # check; the unique constraint still catches an exact repeat, as a message.
    monkeypatch.setattr(services, "_check_name_free", lambda name, exclude_id=None: None)
    with pytest.raises(DomainError, match="already exists"):
        services.create_community(leader, name="Project Managers", kind=CommunityKind.PRACTICE)


def test_long_daily_series_are_counted_the_same_way_outside_the_database(history):
    in_sql = membership_history.member_counts(history, date(2026, 1, 1), date(2026, 3, 31), "day")
    assert len(in_sql) == 90 <= membership_history.MAX_PERIODS_IN_SQL
    long = membership_history.member_counts(history, date(2025, 12, 1), date(2026, 4, 30), "day")
    assert len(long) > membership_history.MAX_PERIODS_IN_SQL
    assert long[31:121] == in_sql  # the same days, counted in Python
