"""Outcome tracking: the pace, group growth and the outcome page."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community import services as communities
from core.extensions import db
from core.models import utcnow
from promotions import (
    links,
    outcome_figures,
    outcomes,
    services,
)
from promotions.models import (
    Objective,
    PostFormat,
    TrackedLink,
)
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_initiatives_support import confirm_reserved
from tests.test_promotions_factories import (
    arriving_through,
    event_brief,
    make_link,
    promo_world,
    running_brief,
)

D = date(2026, 3, 1)


@pytest.fixture
def promo(app):
    return promo_world()


# --- pace: the thresholds -------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "actual", "state"),
    [
        (D - timedelta(days=1), 0, outcomes.NOT_STARTED),
        (D, 0, outcomes.ON_TRACK),  # nothing has passed yet
        (D + timedelta(days=4), 0, outcomes.ON_TRACK),  # 40 % gone: too early to judge
        (D + timedelta(days=5), 15, outcomes.AT_RISK),  # half gone, under 0.8 × 50 % of 40 = 16
        (D + timedelta(days=5), 16, outcomes.ON_TRACK),  # exactly on the line is not behind
        (D + timedelta(days=8), 25, outcomes.AT_RISK),  # 80 % gone: needs 25.6
        (D + timedelta(days=8), 26, outcomes.ON_TRACK),
        (D + timedelta(days=9), 39, outcomes.ON_TRACK),  # 90 %: needs 28.8
        (D + timedelta(days=9), 40, outcomes.MET),
        (D + timedelta(days=10), 39, outcomes.MISSED),  # the window is over
        (D + timedelta(days=10), 41, outcomes.MET),
    ],
)
def test_pace_state_around_the_thresholds(today, actual, state):
    # A ten-day window (1–10 March) and a target of 40.
    assert outcomes.pace_state(40, actual, D, D + timedelta(days=9), today) == state


def test_pace_thresholds_are_configurable():
    start, end, today = D, D + timedelta(days=9), D + timedelta(days=3)  # 30 % gone
    assert outcomes.pace_state(40, 0, start, end, today) == outcomes.ON_TRACK
    assert outcomes.pace_state(40, 0, start, end, today, after=0.3) == outcomes.AT_RISK
    assert outcomes.pace_state(40, 9, start, end, today, after=0.3, pace=1.0) == outcomes.AT_RISK
    assert outcomes.pace_state(40, 12, start, end, today, after=0.3, pace=1.0) == outcomes.ON_TRACK


def test_no_target_no_pace():
    assert outcomes.pace_state(None, 5, D, D, D) == outcomes.NO_TARGET
    assert outcomes.pace_state(10, 5, None, None, D) == outcomes.NO_TARGET


# --- group growth --------------------------------------------------------------------------


def test_group_growth_counts_members_and_external_snapshots_over_the_window(promo):
    leader, smm, _visitor, community, _event = promo
    today = utcnow().date()
    brief = running_brief(
        leader, smm, load_subject("achievement", community.id),
        objective=Objective.GROUP_MEMBERS, target=10,
    )  # fmt: skip
    brief.publish_from, brief.publish_until = today - timedelta(days=5), today + timedelta(days=5)
    group = communities.add_channel(community, "Facebook group", "https://facebook.com/groups/x")
    communities.record_snapshot(group, today - timedelta(days=30), 180)
    communities.record_snapshot(group, today - timedelta(days=6), 200)  # before the window
    communities.record_snapshot(group, today - timedelta(days=1), 227)
    joined = utcnow() - timedelta(days=2)
    for n in range(3):
        communities.join_community(make_user(f"j{n}@example.com"), community, at=joined)
    old = make_user("old@example.com")
    communities.join_community(old, community, at=utcnow() - timedelta(days=40))
    communities.leave_community(old, community, at=joined)  # left inside the window
    db.session.commit()
    figures = outcome_figures.brief_outcome(brief)
    site, facebook = figures.growth
    # The leader joined today (the community is new): old → leader and three new people.
    assert (site.start, site.end, site.gain) == (1, 4, 3)
    assert (facebook.start, facebook.end, facebook.gain) == (200, 227, 27)
    assert facebook.percent == pytest.approx(13.5)
    assert figures.line.actual == 30
    assert figures.actual_by_day[-1] == 30


# --- the outcome page ----------------------------------------------------------------------


def test_outcome_page_shows_target_actual_chart_and_splits(promo, login):
    leader, smm, visitor, _community, event = promo
    brief = event_brief(promo)
    link = make_link(smm, brief)
    client = login(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/events/{event.id}/register")
    page = login(leader).get(f"/promotions/{brief.id}/outcome")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Target and actual" in html and "Per channel" in html and "Per post" in html
    assert "<svg" in html and "Pace to the target" in html and "The same numbers as a table" in html
    assert link.code in html  # the link SMM shares
    assert "Backup plan" in html and "Reserve posts" in html


def test_outcome_page_is_for_the_community_leaders_and_smm(promo, login):
    leader, smm, visitor, _community, _event = promo
    brief = event_brief(promo)
    assert login(visitor).get(f"/promotions/{brief.id}/outcome").status_code == 404
    assert login(smm).get(f"/promotions/{brief.id}/outcome").status_code == 200
    assert login(None).get(f"/promotions/{brief.id}/outcome").status_code == 302


def test_smm_creates_a_link_from_the_outcome_page_and_bad_paths_get_a_message(promo, login):
    _leader, smm, *_ = promo
    brief = event_brief(promo)
    post = brief.posts[0]
    client = login(smm)
    bad = client.post(
        f"/promotions/{brief.id}/posts/{post.id}/link", data={"target_path": "https://x.example"}
    )
    assert bad.status_code == 400
    assert "Enter a path on this site" in bad.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(TrackedLink)).scalar_one() == 0
    ok = client.post(f"/promotions/{brief.id}/posts/{post.id}/link", data={"target_path": ""})
    assert ok.status_code == 302
    again = client.post(f"/promotions/{brief.id}/posts/{post.id}/link", data={})
    assert "already has a tracked link" in again.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(TrackedLink)).scalar_one() == 1


def promoted_catalog(app, smm, size: int, name: str):
    """A running brief for a public book exchange, with `size` of everything it counts:
    posts and links, visitors and their leads, books exchanged, joins, group snapshots."""
    from initiatives.catalog_items import offer_item
    from initiatives.editing import create_initiative
    from initiatives.models import InitiativeKind, InitiativeStatus

    leader = make_user(f"lead-{name}@example.com")
    community = make_community(leader, name)
    sale = create_initiative(
        leader, community, title=f"{name} book sale", kind=InitiativeKind.CATALOG,
        is_public=True, status=InitiativeStatus.ACTIVE, target=None,
    )  # fmt: skip
    db.session.commit()
    today = utcnow().date()
    brief = running_brief(
        leader, smm, load_subject("initiative", sale.id), channels=("Instagram", "Facebook"),
        objective=Objective.LEADS, target=10,
    )  # fmt: skip
    brief.publish_from, brief.publish_until = today - timedelta(days=10), today + timedelta(days=5)
    db.session.commit()  # each step below locks the brief first in its own transaction
    for n in range(len(brief.posts), min(size, 12)):
        services.add_planned_post(
            smm, brief, brief.channels[n % 2], PostFormat.STORY, utcnow() + timedelta(hours=n)
        )
        db.session.commit()
    for post in brief.posts:
        links.create_link(smm, post)
        db.session.commit()
    group = communities.add_channel(community, "Facebook group", f"https://fb.example/{name}")
    for n in range(min(size, 10)):
        communities.record_snapshot(group, today - timedelta(days=10 - n), 600 + n)
    db.session.commit()
    for n in range(size):
        person = make_user(f"{name.lower()}{n}@example.com")
        link = brief.posts[n % len(brief.posts)].link
        app.test_client(user=person).get(f"/go/{link.code}")
        with arriving_through(app, link, person):
            communities.join_community(person, community)
            item = offer_item(sale, title=f"Book {n}", category="Leadership", user=person)
        db.session.commit()
        confirm_reserved(leader, sale, item.id, 100 + n, by=person)
    return leader, brief


def test_outcome_page_makes_the_same_queries_whatever_the_size(app, count_queries):
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    counts = {}
    for size, name in ((1, "Small"), (40, "Large")):
        leader, brief = promoted_catalog(app, smm, size, name)
        client = app.test_client(user=leader)
        client.get(f"/promotions/{brief.id}/outcome")  # warm the kept figures, record the pace
        with count_queries() as statements:
            page = client.get(f"/promotions/{brief.id}/outcome")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "The catalog" in html and f"Book {size - 1}" not in html  # figures, not rows
        counts[size] = statements
    figures = outcome_figures.brief_outcome(brief)  # the large one really has it all
    assert figures.total.leads == 40 and figures.total.joins == 40 and len(figures.posts) == 12
    assert figures.catalog.exchanged == 40 and len(figures.growth[1].history) == 10
    assert len(counts[1]) == len(counts[40]) <= 16, counts[40]


def test_a_brief_without_a_last_publication_day_ends_on_its_events_day(promo):
    _leader, _smm, _visitor, _community, event = promo
    brief = event_brief(promo)
    brief.publish_until = None  # briefs filed before the form asked for it
    db.session.commit()
    start, end = outcomes.window_of(brief)
    assert end == event.starts_at.date() != start + timedelta(days=outcomes.DEFAULT_WINDOW_DAYS)
    assert outcome_figures.brief_outcome(brief).end == event.starts_at.date()
