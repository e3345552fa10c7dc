"""Report figures against hand-computed expectations on small histories."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from accounts.models import User
from community import services as communities
from community.models import JoinPolicy
from core.audit import AuditEntry
from core.extensions import db
from events import services as events
from initiatives import catalog_items, editing, leads, participants
from initiatives.models import InitiativeKind, InitiativeStatus, LeadKind
from promotions import services as promotions
from promotions.models import BriefStatus
from reports import services
from reports.periods import Period, check_range, parse_week
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, register
from tests.test_promotions_factories import brief_in

OCTOBER = Period.containing("month", date(2026, 10, 1))
SEPTEMBER = OCTOBER.previous()
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


@pytest.fixture
def history(app):
    leader = make_user("lead@example.com")
    community = make_community(leader)
    # The leader's own membership starts now (2026-11 or later), after every period below.
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


# --- members ---------------------------------------------------------------------------


def test_october_figures_count_joins_leaves_and_rejoins(history):
    october = services.membership_figures(history, OCTOBER)
    # Start: ann, bob. End (the last moment of October): ann, bob (again), cat, dan;
    # ann left at the first moment of November, which is November's.
    assert (october.members_at_start, october.members_at_end) == (2, 4)
    assert (october.joined, october.left, october.net) == (3, 1, 2)  # cat, bob again, dan; bob
    assert october.growth_percent == pytest.approx(100.0)


def test_september_started_from_nothing(history):
    september = services.membership_figures(history, SEPTEMBER)
    assert (september.members_at_start, september.members_at_end, september.joined) == (0, 2, 2)
    assert september.growth_percent is None


def test_a_week_across_the_month_end(history):
    week = services.membership_figures(history, parse_week("2026-W40", date(2026, 11, 25)))
    # 28 Sep – 4 Oct: starts with ann; bob and cat join.
    assert (week.members_at_start, week.members_at_end, week.joined, week.left) == (1, 3, 2, 0)


def test_october_in_kyiv_starts_and_ends_three_hours_and_two_hours_before_utc(history):
    kyiv = Period.containing("month", date(2026, 10, 1), "Europe/Kyiv")
    figures = services.membership_figures(history, kyiv)
    # Kyiv's October runs from 30 Sep 21:00 to 31 Oct 22:00 UTC: bob's first join
    # (30 Sep 23:00 UTC) is October's there, dan's (31 Oct 23:00 UTC) November's.
    assert (figures.members_at_start, figures.members_at_end) == (1, 3)  # ann; ann, bob, cat
    assert (figures.joined, figures.left) == (3, 1)  # bob, cat, bob again; bob


def test_several_periods_and_moments_come_from_one_query(history, count_queries):
    assert history.id  # loaded before counting
    with count_queries() as statements:
        figures, moments = services.membership_counts(
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
    communities.reject_request(communities.leaders_of(history)[0], request)
    request.left_at = at("2026-10-08")  # turned down in October (the service stamps "now")
    db.session.commit()
    october = services.membership_figures(history, OCTOBER)
    # As before: cat, bob again and dan joined; bob left; neither request counts.
    assert (october.joined, october.left, october.net) == (3, 1, 2)
    (row,) = services.site_overview(OCTOBER, now=NOW)
    assert (row.joined, row.left, row.members - row.members_before) == (3, 1, 2)


# --- a season of activity ---------------------------------------------------------------


@pytest.fixture
def season(history):
    """October's events, catalog, leads and promotions around the history above."""
    by_email = {u.email.split("@")[0]: u for u in _users()}
    leader, ann, bob, cat, dan = (by_email[n] for n in ("lead", "ann", "bob", "cat", "dan"))
    eve = make_user("eve@example.com")  # never a member
    smm = make_user("smm@example.com", is_smm=True)

    kick_off = make_event(leader, history, title="Kick-off", starts_at=at("2026-09-20", 16))
    retro = make_event(leader, history, title="Retro", starts_at=at("2026-10-08", 16))
    workshop = make_event(leader, history, title="Workshop", starts_at=at("2026-10-22", 16))
    dropped = make_event(leader, history, title="Dropped", starts_at=at("2026-10-28", 16))
    for person, event, when in [
        (ann, kick_off, at("2026-09-16")),
        (ann, retro, at("2026-10-02")),
        (eve, retro, at("2026-10-03")),
        (bob, workshop, at("2026-10-21")),
        (ann, workshop, at("2026-10-21")),
        (eve, workshop, at("2026-10-21")),
        (eve, dropped, at("2026-10-21")),
    ]:
        register(person, event, now=when)
    events.mark_attendance(leader, kick_off, {ann.id}, now=at("2026-09-20", 18))
    events.mark_attendance(leader, retro, {ann.id}, now=at("2026-10-08", 18))
    dropped.cancelled_at = at("2026-10-27")
    db.session.commit()

    sale = editing.create_initiative(
        leader, history, title="Book Sale", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE, starts_on=date(2026, 9, 1),
    )  # fmt: skip
    editing.create_initiative(leader, history, title="Mentoring")  # a draft
    editing.create_initiative(
        leader, history, title="Summer picnic", status=InitiativeStatus.CLOSED,
        starts_on=date(2026, 7, 1), ends_on=date(2026, 8, 31),
    )  # fmt: skip
    books = [
        catalog_items.offer_item(sale, title=title, category="Leadership", user=ann)
        for title in ("PMBOK", "Scrum", "Drive", "Old notes", "Later")
    ]
    for book, added in zip(books, ["2026-09-02", "2026-09-03", "2026-10-10", "2026-10-12",
                                   "2026-11-02"], strict=True):  # fmt: skip
        book.created_at = at(added)
    db.session.commit()
    # Each catalog change locks its item first, in a transaction of its own.
    for book, amount, when in [(books[0], 300, "2026-09-20"), (books[1], "450.50", "2026-10-05")]:
        catalog_items.confirm_donation(leader, sale, book.id, amount).exchanged_at = at(when)
        db.session.commit()
    catalog_items.withdraw_item(leader, sale, books[3].id)
    db.session.commit()

    outsider = participants.Outsider("Petro", "petro@elsewhere.example")
    for person, when in [
        (outsider, "2026-10-12"),
        (participants.Outsider("Iva", "iva@elsewhere.example"), "2026-09-25"),
    ]:
        leads.register_interest(sale, person).created_at = at(when)  # fmt: skip
    leads.register_interest(sale, outsider)  # again, later: still his one lead
    # dan shows interest a fortnight before he joins: not yet a member's activity.
    leads.record_lead(sale, LeadKind.INTEREST, user=dan).created_at = at("2026-10-15")

    stories = brief_in(BriefStatus.CLOSED, leader, smm, history)
    teaser = brief_in(BriefStatus.SCHEDULED, leader, smm, history)
    idea = brief_in(BriefStatus.SUBMITTED, leader, smm, history)
    for brief, title, first, last in [
        (stories, "Book sale stories", date(2026, 10, 13), date(2026, 10, 20)),
        (teaser, "Teaser", date(2026, 9, 28), date(2026, 10, 2)),
        (idea, "Not accepted yet", date(2026, 10, 1), date(2026, 10, 31)),
    ]:
        brief.title, brief.publish_from, brief.publish_until = title, first, last
    stories.final_actual = 44  # the leads SMM's report counted (target 40)
    promotions.add_comment(cat, stories, "Shall I bring my books?").created_at = at("2026-10-25")
    db.session.commit()
    return history


def _users():
    return db.session.execute(select(User)).scalars()


def _user(name: str) -> User:
    return next(user for user in _users() if user.email == f"{name}@example.com")


def test_active_members_did_something_while_they_were_members(season):
    active = services.active_members([SEPTEMBER, OCTOBER], [season.id])
    # September: ann (registered and came to the kick-off).
    # October: ann (events), bob (registered after re-joining), cat (commented on a brief);
    # not eve (never a member), not dan (his lead came before he joined).
    assert active == {season.id: [1, 3]}


def test_events_held_with_registrations_and_attendance(season):
    held = services.events_held(season, SEPTEMBER.starts_at, OCTOBER.ends_at, NOW)
    october = services.in_period(held, OCTOBER)
    assert [(e.title, e.registrations, e.attended) for e in october] == [
        ("Retro", 2, 1),
        ("Workshop", 3, 0),  # attendance not taken
    ]  # the cancelled event is not there
    figures = services.EventFigures.of(october)
    assert (figures.held, figures.registrations, figures.attended) == (2, 5, 1)
    assert figures.attendance_rate == pytest.approx(50.0)  # 1 of 2, at the Retro only
    assert services.largest_event(october).title == "Workshop"
    assert services.EventFigures.of([]).attendance_rate is None


def test_events_not_started_yet_are_not_held(season):
    early = services.events_held(season, OCTOBER.starts_at, OCTOBER.ends_at, at("2026-10-15"))
    assert [event.title for event in early] == ["Retro"]


def test_initiatives_open_in_the_period_with_catalog_progress_by_its_end(season):
    (sale,) = services.initiative_progress(season, OCTOBER)  # not the draft, not the picnic
    assert sale.initiative.title == "Book Sale"
    # PMBOK, Scrum, Drive and Old notes by 31 October; Later was added in November. Old
    # notes was withdrawn only when the fixture ran (after October, by the audit log), so
    # October's report keeps it: a past report does not change when a book leaves later.
    assert (sale.items, sale.exchanged, sale.donations) == (4, 2, Decimal("750.50"))
    assert (sale.exchanged_in_period, sale.donations_in_period) == (1, Decimal("450.50"))
    assert (sale.leads, sale.leads_by_end) == (2, 3)  # Petro, dan; and Iva in September
    assert sale.exchanged_share == pytest.approx(50.0)
    (september,) = services.initiative_progress(season, SEPTEMBER)
    assert (september.items, september.exchanged, september.donations) == (2, 1, Decimal(300))


def test_a_book_withdrawn_in_a_period_leaves_that_periods_catalog(season):
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "catalog_item.withdrawn")
    ).scalar_one()
    entry.created_at = at("2026-10-20")  # Old notes, withdrawn in October this time
    db.session.commit()
    (sale,) = services.initiative_progress(season, OCTOBER)
    assert sale.items == 3  # PMBOK, Scrum, Drive


def test_a_closed_initiative_stays_in_the_periods_it_was_open_and_counts_to_its_target(season):
    leader, ann = communities.leaders_of(season)[0], _user("ann")
    circle = editing.create_initiative(
        leader, season, title="Reading circle", status=InitiativeStatus.ACTIVE,
        starts_on=date(2026, 9, 1), target=4, goal="Four readers for a monthly circle",
    )  # fmt: skip
    for person, when in [(ann, "2026-09-10"), (_user("cat"), "2026-09-20")]:
        leads.record_lead(circle, LeadKind.INTEREST, user=person).created_at = at(when)
    editing.update_initiative(leader, circle, status=InitiativeStatus.CLOSED)  # no end date
    db.session.commit()
    # Created on 1 September, closed on the 25th (the entries are dated "now" otherwise).
    for action, when in [("initiative.created", "2026-09-01"),
                         ("initiative.status_changed", "2026-09-25")]:  # fmt: skip
        db.session.execute(
            select(AuditEntry).where(
                AuditEntry.action == action, AuditEntry.subject_id == circle.id
            )
        ).scalar_one().created_at = at(when)
    db.session.commit()
    september = {p.initiative.title: p for p in services.initiative_progress(season, SEPTEMBER)}
    # Two people interested by 30 September against a target of four.
    assert (september["Reading circle"].leads_by_end, september["Reading circle"].leads) == (2, 2)
    assert september["Reading circle"].target_share == pytest.approx(50.0)
    assert september["Book Sale"].target_share is None  # no target
    assert [p.initiative.title for p in services.initiative_progress(season, OCTOBER)] == [
        "Book Sale"
    ]


def test_leads_and_outside_participants_per_period(season):
    september, october = services.lead_figures(season, [SEPTEMBER, OCTOBER])
    assert (september.leads, september.outside_participants) == (1, 1)  # Iva
    assert (october.leads, october.outside_participants) == (2, 1)  # Petro, dan


def test_campaigns_are_briefs_on_the_calendar_whose_window_touches_the_days(season):
    briefs = services.campaigns_between(season, date(2026, 10, 1), date(2026, 10, 31))
    assert [brief.title for brief in briefs] == ["Teaser", "Book sale stories"]
    assert [services.ran_in(b, SEPTEMBER) for b in briefs] == [True, False]


def test_a_campaign_window_is_placed_between_the_points_of_its_days():
    months = Period.containing("month", date(2026, 10, 1)).units("month", 12)  # Nov … Oct
    # 13–20 October: from 12/31 to 20/31 of the way from September's point to October's.
    low, high = services.window_on_chart(months, date(2026, 10, 13), date(2026, 10, 20))
    assert low == pytest.approx(10 + 12 / 31, abs=1e-3)
    assert high == pytest.approx(10 + 20 / 31, abs=1e-3)
    # Across a month end: 28 September – 2 October.
    low, high = services.window_on_chart(months, date(2026, 9, 28), date(2026, 10, 2))
    assert low == pytest.approx(9 + 27 / 30, abs=1e-3)
    assert high == pytest.approx(10 + 2 / 31, abs=1e-3)
    # One day is widened so that it shows; a window before the chart is left out,
    # one that began before it is cut at its first point.
    low, high = services.window_on_chart(months, date(2026, 5, 10), date(2026, 5, 10))
    assert high - low == pytest.approx(0.15, abs=1e-3)
    assert services.window_on_chart(months, date(2025, 1, 1), date(2025, 10, 31)) is None
    assert services.window_on_chart(months, date(2025, 10, 20), date(2025, 11, 30))[0] == 0


def test_the_october_report_against_september(season):
    report = services.community_report(season, OCTOBER, now=NOW)
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
    report = services.community_report(season, november, now=NOW)  # 25 November
    figures = {(f.section, f.key): (f.value, f.previous) for f in report.figures}
    assert figures[("promotions", "campaigns")] == (0, 2)  # October's two, as before
    assert report.campaigns == [] and "Advent teaser" not in [b.title for b in report.bands]
    assert services.site_overview(november, now=NOW)[0].campaigns == 0
    # Once it opens it counts, from the members at its first moment: bob, cat, dan.
    opened = datetime(2026, 11, 28, 9, tzinfo=UTC)
    (campaign,) = services.community_report(season, november, now=opened).campaigns
    assert (campaign.brief.title, campaign.lift.before, campaign.lift.later) == (
        "Advent teaser", 3, None,
    )  # fmt: skip
    assert services.site_overview(november, now=opened)[0].campaigns == 1


def test_each_campaign_on_the_chart_says_what_stayed_a_month_later(season):
    # The December report (on 20 December) has both October campaigns on its chart, though
    # neither ran in December.
    december = OCTOBER.next().next()
    report = services.community_report(season, december, now=at("2026-12-20"))
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
        services.community_report(season, OCTOBER, now=NOW)
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
        services.community_report(season, OCTOBER, now=NOW)
    # BEGIN, the community itself, then the report's own queries.
    assert len(statements) == small <= 15, "\n".join(statements)


def test_a_range_report_compares_with_the_days_before_it(season):
    autumn = check_range(date(2026, 9, 16), date(2026, 10, 31), date(2026, 11, 25))
    report = services.community_report(season, autumn, now=NOW)
    figures = {(f.section, f.key): (f.value, f.previous) for f in report.figures}
    # 16 Sep – 31 Oct against 1 Aug – 15 Sep (46 days each).
    assert figures[("membership", "joined")] == (4, 1)  # bob, cat, bob, dan; ann
    assert figures[("events", "held")] == (3, 0)
    assert report.units[-1].key == "2026-10" and len(report.units) == 12


# --- external channels -----------------------------------------------------------------


def test_channel_growth_uses_the_last_counts_at_each_end(history):
    channel = communities.add_channel(history, "Facebook group", "https://fb.example/pm")
    for day, count in [("2026-09-20", 500), ("2026-10-01", 520), ("2026-10-15", 560),
                       ("2026-11-03", 590)]:  # fmt: skip
        communities.record_snapshot(channel, date.fromisoformat(day), count)
    communities.add_channel(history, "LinkedIn", "https://linkedin.example/pm")  # no counts yet
    db.session.commit()
    facebook, linkedin = services.channel_growth(history, OCTOBER)
    assert (facebook.at_start, facebook.at_end) == (520, 560)
    assert facebook.growth_percent == pytest.approx(100 * 40 / 520)
    assert (linkedin.at_start, linkedin.at_end, linkedin.growth_percent) == (None, None, None)
    (august_facebook, _), (september_facebook, _) = services.channels_growth(
        history, [SEPTEMBER.previous(), SEPTEMBER]
    )
    assert (august_facebook.at_start, august_facebook.at_end) == (None, None)
    assert (september_facebook.at_start, september_facebook.at_end) == (500, 500)  # first count


# --- the site overview -----------------------------------------------------------------


def test_the_overview_puts_communities_side_by_side(season):
    qa_leader = make_user("qa@example.com")
    qa = make_community(qa_leader, "QA Guild", created_at=at("2026-08-01"))
    communities.join_community(make_user("tess@example.com"), qa, at=at("2026-10-09"))
    db.session.commit()
    rows = services.site_overview(OCTOBER, "name", now=NOW)
    assert [row.community.name for row in rows] == ["Project Managers", "QA Guild"]
    pm, qa_row = rows
    assert (pm.members, pm.members_before, pm.joined, pm.left) == (4, 2, 3, 1)
    assert (pm.active, pm.events, pm.campaigns) == (3, 2, 2)
    assert pm.active_share == pytest.approx(75.0)
    assert (qa_row.members, qa_row.members_before, qa_row.active, qa_row.events) == (2, 1, 0, 0)
    assert qa_row.growth_percent == pytest.approx(100.0)
    by_members = services.site_overview(OCTOBER, "members", descending=False, now=NOW)
    assert [row.community.name for row in by_members] == ["QA Guild", "Project Managers"]
    assert services.site_overview(OCTOBER, "nonsense", now=NOW)[0].community.name == (
        "Project Managers"
    )
