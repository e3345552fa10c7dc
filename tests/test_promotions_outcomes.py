"""Outcome tracking: tracked links, attribution, target vs actual, at-risk, final report."""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community import services as communities
from core.extensions import db
from core.models import utcnow
from events.services import cancel_registration, register_for_event
from initiatives.models import LeadKind
from initiatives.services import record_lead
from promotions import (
    at_risk,
    backup_plan,
    links,
    outcome_figures,
    outcomes,
    references,
    results,
    services,
)
from promotions.models import (
    Attribution,
    BriefStatus,
    LinkVisit,
    Notification,
    Objective,
    PostFormat,
    PromotionRequest,
    TrackedLink,
)
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import channel, complete_fields

D = date(2026, 3, 1)


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


# --- a world with an event promoted by a running brief -----------------------------------


@pytest.fixture
def promo(app):
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    visitor = make_user("vera@example.com", "Vera Visitor")
    community = make_community(leader)
    event = make_event(
        leader, community, starts_at=utcnow().replace(microsecond=0) + timedelta(days=20)
    )
    return leader, smm, visitor, community, event


def running_brief(leader, smm, subject, channels=("Instagram",), **fields):
    today = utcnow().date()
    chosen = [channel(name) for name in channels]
    values = {
        "objective": Objective.REGISTRATIONS,
        "target": 10,
        "channels": chosen,
        "publish_from": today + timedelta(days=2),
        "publish_until": today + timedelta(days=12),
        "content_deadline": today + timedelta(days=1),
    }
    values.update(fields)
    # Each step is its own transaction, as on the site: the services lock the brief first.
    brief = services.create_request(leader, subject, complete_fields(**values))
    db.session.commit()
    services.submit(leader, brief)
    db.session.commit()
    services.transition(smm, brief, BriefStatus.ACCEPTED)
    db.session.commit()
    for picked in chosen:
        services.add_planned_post(
            smm, brief, picked, PostFormat.STORY, utcnow() + timedelta(days=3), "Story"
        )
        db.session.commit()
    services.transition(smm, brief, BriefStatus.RUNNING)
    db.session.commit()
    return brief


def event_brief(promo, **fields):
    leader, smm, _visitor, _community, event = promo
    return running_brief(leader, smm, load_subject("event", event.id), **fields)


def make_link(smm, brief, index=0, target=None):
    link = links.create_link(smm, brief.posts[index], target)
    db.session.commit()
    return link


# --- redirect safety ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["x", "short", "a" * 40, "abc$defghij", "..%2F..%2Fetc", "%00abcdefgh", "abcdefghijkl"],
)
def test_unknown_or_malformed_codes_are_404(promo, client, code):
    # (A NUL byte is refused before routing, with a 400.)
    assert client.get(f"/go/{code}").status_code == (400 if "%00" in code else 404)


@pytest.mark.parametrize(
    "path",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
     "evil.example", "", "/ok\nLocation: https://evil.example", "http:/x"],
)  # fmt: skip
def test_links_never_lead_off_the_site(promo, path):
    assert not links.is_internal_path(path)
    brief = event_brief(promo)
    _leader, smm, *_ = promo
    if path:  # empty means "the promoted page"
        with pytest.raises(Exception, match="path on this site"):
            links.create_link(smm, brief.posts[0], path)
        db.session.rollback()


def test_a_row_changed_by_hand_is_not_an_open_redirect(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    link.target_path = "https://evil.example/"
    db.session.commit()
    assert client.get(f"/go/{link.code}").status_code == 404


def test_following_a_link_counts_the_click_and_lands_on_the_promoted_page(promo, client):
    *_rest, event = promo
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    assert len(link.code) >= 12 and link.target_path == f"/events/{event.id}"
    first, second = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
    response = client.get(f"/go/{link.code}", environ_base=first)
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert links.COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.get(f"/go/{link.code}", environ_base=first)
    client.get(f"/go/{link.code}", environ_base=second)
    visits = db.session.execute(select(LinkVisit)).scalars().all()
    assert sorted(v.clicks for v in visits) == [1, 2]  # two visitors, three clicks
    # Nothing personal is kept: a 32-character hash, salted with the day.
    assert all(len(v.visitor) == 32 and "10.0.0" not in v.visitor for v in visits)
    today = utcnow().date()
    assert links.visitor_hash(today, "1.2.3.4") != links.visitor_hash(
        today + timedelta(days=1), "1.2.3.4"
    )


def test_one_address_is_one_visitor_a_day_whatever_browser_it_claims(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    for n in range(50):
        client.get(
            f"/go/{link.code}",
            headers={"User-Agent": f"Browser {n}"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
    client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "203.0.113.8"})
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert (figures.total.visitors, figures.total.clicks) == (2, 51)


def test_parallel_clicks_all_count(promo, app):
    import threading

    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    code = link.code
    errors = []

    def click():
        try:
            with app.test_client() as client:
                assert client.get(f"/go/{code}").status_code == 302
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=click, daemon=True) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    db.session.rollback()  # end this session's snapshot, to read what the threads wrote
    total = db.session.execute(select(func.sum(LinkVisit.clicks))).scalar_one()
    assert total == 12


# --- attribution ---------------------------------------------------------------------------


def test_click_then_register_is_counted_once_for_that_brief_and_channel(promo, login):
    leader, smm, visitor, _community, event = promo
    brief = event_brief(promo, channels=("Instagram", "Facebook"))
    instagram = make_link(smm, brief, 0)
    client = login(visitor)
    client.get(f"/go/{instagram.code}")
    assert client.post(f"/events/{event.id}/register").status_code == 302
    client.post(f"/events/{event.id}/register")  # a second press changes nothing
    marks = db.session.execute(select(Attribution)).scalars().all()
    assert [(m.request_id, m.channel_id, m.kind) for m in marks] == [
        (brief.id, instagram.channel_id, links.REGISTRATION)
    ]
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert figures.line.actual == 1
    by_channel = {str(split.label): split for split in figures.channels}
    assert by_channel["Instagram"].registrations == 1 and by_channel["Instagram"].clicks == 1
    assert by_channel["Facebook"].registrations == 0
    assert figures.total.conversion == 100.0

    # A cancelled registration no longer counts; registering again counts it once more.
    cancel_registration(visitor, event.id)
    db.session.commit()
    assert outcomes.outcome_lines([brief])[brief.id].actual == 0
    client.post(f"/events/{event.id}/register")
    assert outcomes.outcome_lines([brief])[brief.id].actual == 1
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 1


def test_without_the_cookie_nothing_is_attributed(promo, login):
    *_rest, visitor, _community, event = promo
    event_brief(promo)
    login(visitor).post(f"/events/{event.id}/register")
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 0


def test_a_forged_or_stale_cookie_is_ignored(promo, login, app, monkeypatch):
    leader, smm, visitor, _community, event = promo
    brief = event_brief(promo)
    link = make_link(smm, brief)
    client = login(visitor)
    client.set_cookie(links.COOKIE, "1.forged.signature")
    client.post(f"/events/{event.id}/register")
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 0
    cancel_registration(visitor, event.id)
    db.session.commit()
    client.get(f"/go/{link.code}")
    monkeypatch.setitem(app.config, "ATTRIBUTION_DAYS", -1)  # every cookie is too old
    client.post(f"/events/{event.id}/register")
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 0


def test_someone_elses_action_is_not_attributed_to_the_cookie_holder(promo, login, app):
    """A leader with a valid cookie approving a request does not make that join theirs."""
    leader, smm, visitor, community, _event = promo
    brief = running_brief(
        leader, smm, load_subject("achievement", community.id), objective=Objective.GROUP_MEMBERS
    )
    link = make_link(smm, brief)
    client = login(visitor)
    client.get(f"/go/{link.code}")
    assert client.post(f"/communities/{community.slug}/join").status_code == 302
    marks = db.session.execute(select(Attribution)).scalars().all()
    assert [(m.kind, m.request_id) for m in marks] == [(links.MEMBERSHIP, brief.id)]
    with arriving_through(app, link, leader):  # a genuine cookie, held by the leader
        assert links.arrived_through() == link.id
        assert links.attribute(links.MEMBERSHIP, 999, visitor.id, community.id) is None
        # The same call for the leader's own action counts: only the owner check said no.
        assert links.attribute(links.MEMBERSHIP, 998, leader.id, community.id) is not None
    db.session.rollback()


@contextmanager
def arriving_through(app, link, user):
    """A request by `user` carrying the attribution cookie of `link`, as after /go/<code>."""
    from flask import g
    from flask_login import login_user

    cookie = links.attribution_cookie(link)["value"]
    with app.test_request_context(headers={"Cookie": f"{links.COOKIE}={cookie}"}):
        for name in list(g):  # the tests' app context is shared: start clean, as a request does
            g.pop(name)
        login_user(user)
        yield
        for name in list(g):
            g.pop(name)


def attributed() -> list[tuple]:
    return db.session.execute(
        select(Attribution.request_id, Attribution.kind).order_by(Attribution.id)
    ).all()


def test_an_event_brief_counts_only_what_belongs_to_its_event(promo, app):
    leader, smm, visitor, community, event = promo
    from initiatives.services import create_initiative

    brief = event_brief(promo)
    link = make_link(smm, brief)
    other_event = make_event(leader, community, title="Another meetup")
    elsewhere_leader = make_user("olga@example.com")
    elsewhere = make_community(elsewhere_leader, "Testers")
    far_event = make_event(elsewhere_leader, elsewhere, title="QA day")
    initiative = create_initiative(leader, community, title="Mentoring")
    db.session.commit()
    with arriving_through(app, link, visitor):
        register_for_event(visitor, other_event.id)  # same community, another event
        db.session.commit()  # one sign-up a transaction, as in a request
        register_for_event(visitor, far_event.id)  # another community
        db.session.commit()
        record_lead(initiative, LeadKind.INTEREST, user=visitor)  # not the promoted thing
        communities.join_community(visitor, elsewhere)
        db.session.commit()
        assert attributed() == []
        register_for_event(visitor, event.id)
        communities.join_community(visitor, community)  # joining the event's community counts
    db.session.commit()
    assert attributed() == [(brief.id, links.REGISTRATION), (brief.id, links.MEMBERSHIP)]
    assert outcomes.outcome_lines([brief])[brief.id].actual == 1


def test_an_initiative_brief_counts_only_leads_of_its_initiative(promo, app):
    leader, smm, visitor, community, event = promo
    from initiatives.services import create_initiative

    promoted = create_initiative(leader, community, title="Book Sale")
    other = create_initiative(leader, community, title="Mentoring")
    db.session.commit()
    brief = running_brief(
        leader, smm, load_subject("initiative", promoted.id), objective=Objective.LEADS
    )
    link = make_link(smm, brief)
    with arriving_through(app, link, visitor):
        register_for_event(visitor, event.id)  # an event of the same community: not this brief's
        record_lead(other, LeadKind.INTEREST, user=visitor)
        assert attributed() == []
        record_lead(promoted, LeadKind.CONTRIBUTION, user=visitor)
    db.session.commit()
    assert attributed() == [(brief.id, links.LEAD)]
    assert outcomes.outcome_lines([brief])[brief.id].actual == 1


def test_an_achievement_brief_counts_its_community_only(promo, app):
    leader, smm, visitor, community, event = promo
    from initiatives.services import create_initiative

    initiative = create_initiative(leader, community, title="Mentoring")
    elsewhere_leader = make_user("olga@example.com")
    elsewhere = make_community(elsewhere_leader, "Testers")
    far_event = make_event(elsewhere_leader, elsewhere, title="QA day")
    db.session.commit()
    brief = running_brief(
        leader, smm, load_subject("achievement", community.id), objective=Objective.GROUP_MEMBERS
    )
    link = make_link(smm, brief)
    with arriving_through(app, link, visitor):
        register_for_event(visitor, far_event.id)
        communities.join_community(visitor, elsewhere)
        assert attributed() == []
        db.session.commit()
        register_for_event(visitor, event.id)
        communities.join_community(visitor, community)
        record_lead(initiative, LeadKind.INTEREST, user=visitor)
    db.session.commit()
    assert attributed() == [
        (brief.id, links.REGISTRATION),
        (brief.id, links.MEMBERSHIP),
        (brief.id, links.LEAD),
    ]


def test_a_request_to_join_counts_once_a_leader_approves_it(promo, login):
    from community.models import JoinPolicy, Membership

    leader, smm, visitor, _community, _event = promo
    closed = make_community(leader, "Architects", join_policy=JoinPolicy.APPROVAL)
    brief = running_brief(
        leader, smm, load_subject("achievement", closed.id), objective=Objective.GROUP_MEMBERS
    )
    link = make_link(smm, brief)
    visitor_client = login(visitor)
    visitor_client.get(f"/go/{link.code}")
    assert visitor_client.post(f"/communities/{closed.slug}/join").status_code == 302
    assert outcome_figures.brief_outcome(brief).total.joins == 0  # waiting for a leader
    request = db.session.execute(
        select(Membership).where(Membership.user_id == visitor.id)
    ).scalar_one()
    leader_client = login(leader)
    leader_client.get(f"/go/{link.code}")  # the leader carries a cookie of their own
    communities.approve_request(leader, request)  # (as the members page does)
    db.session.commit()
    figures = outcome_figures.brief_outcome(brief)
    assert figures.total.joins == 1
    assert [(str(s.label), s.joins) for s in figures.channels] == [("Instagram", 1)]


def test_a_rejected_request_to_join_never_counts(promo, login):
    from community.models import JoinPolicy, Membership

    leader, smm, visitor, _community, _event = promo
    closed = make_community(leader, "Architects", join_policy=JoinPolicy.APPROVAL)
    brief = running_brief(
        leader, smm, load_subject("achievement", closed.id), objective=Objective.GROUP_MEMBERS
    )
    link = make_link(smm, brief)
    client = login(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/communities/{closed.slug}/join")
    request = db.session.execute(
        select(Membership).where(Membership.user_id == visitor.id)
    ).scalar_one()
    communities.reject_request(leader, request)
    db.session.commit()
    assert outcome_figures.brief_outcome(brief).total.joins == 0


def test_leaving_and_joining_again_counts_the_join_once(promo, login):
    leader, smm, visitor, community, _event = promo
    brief = running_brief(
        leader, smm, load_subject("achievement", community.id), objective=Objective.GROUP_MEMBERS
    )
    client = login(visitor)
    client.get(f"/go/{make_link(smm, brief).code}")
    for _round in range(5):
        assert client.post(f"/communities/{community.slug}/join").status_code == 302
        assert client.post(f"/communities/{community.slug}/leave").status_code == 302
    client.post(f"/communities/{community.slug}/join")
    marks = db.session.execute(select(Attribution)).scalars().all()
    assert [(m.kind, m.user_id) for m in marks] == [(links.MEMBERSHIP, visitor.id)]
    assert (
        outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id)).total.joins == 1
    )


def test_a_new_request_after_a_rejected_one_counts_once_approved(promo, login):
    from community.models import JoinPolicy, Membership, MembershipStatus

    leader, smm, visitor, _community, _event = promo
    closed = make_community(leader, "Architects", join_policy=JoinPolicy.APPROVAL)
    brief = running_brief(
        leader, smm, load_subject("achievement", closed.id), objective=Objective.GROUP_MEMBERS
    )
    client = login(visitor)
    client.get(f"/go/{make_link(smm, brief).code}")

    def pending() -> Membership:
        return db.session.execute(
            select(Membership).where(
                Membership.user_id == visitor.id, Membership.status == MembershipStatus.PENDING
            )
        ).scalar_one()

    client.post(f"/communities/{closed.slug}/join")
    communities.reject_request(leader, pending())
    db.session.commit()
    client.post(f"/communities/{closed.slug}/join")  # asks again, and is let in this time
    communities.approve_request(leader, pending())
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 1
    assert (
        outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id)).total.joins == 1
    )


def test_two_briefs_promoting_the_same_event_each_count_their_own(promo, app):
    leader, smm, visitor, community, event = promo
    first = event_brief(promo, channels=("Instagram",))
    second = event_brief(promo, channels=("Facebook",), target=5)
    first_link, second_link = make_link(smm, first), make_link(smm, second)
    people = [make_user(f"p{n}@example.com") for n in range(5)]
    for person, link in zip(people, [first_link] * 3 + [second_link] * 2, strict=True):
        client = app.test_client(user=person)
        client.get(f"/go/{link.code}")
        client.post(f"/events/{event.id}/register")
    register_for_event(visitor, event.id)  # came on their own: nobody's
    db.session.commit()
    lines = outcomes.outcome_lines([first, second])
    assert (lines[first.id].actual, lines[second.id].actual) == (3, 2)
    assert lines[second.id].ratio == pytest.approx(0.4)
    second_figures = outcome_figures.brief_outcome(second)
    assert [(str(s.label), s.registrations) for s in second_figures.channels] == [("Facebook", 2)]


def test_public_participant_leads_are_attributed(app, promo):
    from initiatives.models import InitiativeKind, InitiativeStatus
    from initiatives.services import create_initiative

    leader, smm, _visitor, community, _event = promo
    sale = create_initiative(
        leader, community, title="Book Sale", kind=InitiativeKind.CATALOG, is_public=True,
        status=InitiativeStatus.ACTIVE, target=None,
    )  # fmt: skip
    db.session.commit()
    brief = running_brief(
        leader, smm, load_subject("initiative", sale.id), objective=Objective.LEADS, target=4
    )
    link = make_link(smm, brief)
    assert link.target_path == f"/public/initiatives/{sale.id}"  # outside people can open it
    client = app.test_client()
    client.get(f"/go/{link.code}")
    response = client.post(
        f"/public/initiatives/{sale.id}/interest",
        data={"name": "Ira Outside", "email": "ira@partner.example", "consent": "y"},
    )
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    assert outcomes.outcome_lines([brief])[brief.id].actual == 1


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
    from initiatives.models import InitiativeKind, InitiativeStatus
    from initiatives.services import confirm_donation, create_initiative, offer_item

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
        confirm_donation(leader, sale, item.id, 100 + n)
        db.session.commit()
    return leader, brief


def test_outcome_page_makes_the_same_queries_whatever_the_size(app, count_queries):
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    counts = {}
    for size, name in ((1, "Small"), (40, "Large")):
        leader, brief = promoted_catalog(app, smm, size, name)
        client = app.test_client(user=leader)
        client.get(f"/promotions/{brief.id}/outcome")  # warm the menu cache, record the pace
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


# --- at risk -------------------------------------------------------------------------------


def behind_brief(promo):
    brief = event_brief(promo, target=20)
    today = utcnow().date()
    brief.publish_from, brief.publish_until = today - timedelta(days=6), today + timedelta(days=3)
    db.session.commit()
    return brief


def test_cli_check_warns_once_by_notification_and_email(promo, runner, app):
    from core.mail import OutgoingEmail

    leader, smm, *_ = promo
    brief = behind_brief(promo)
    on_track = event_brief(promo, target=20)  # window not begun
    for _round in range(2):
        result = runner.invoke(args=["promotions", "check-at-risk"])
        assert result.exit_code == 0, result.output
    assert "2 briefs watched" in result.output
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).at_risk_since is not None
    assert db.session.get(PromotionRequest, on_track.id).at_risk_since is None
    notes = db.session.execute(
        select(Notification).where(Notification.event == "at_risk")
    ).scalars()
    assert sorted(n.user_id for n in notes) == sorted([leader.id, smm.id])
    mails = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.kind == "at_risk")
    ).scalars()
    mails = list(mails)
    assert sorted(m.to_address for m in mails) == sorted([leader.email, smm.email])
    assert "behind its target" in mails[0].subject and "Reserve posts" in mails[0].text_body


def test_at_risk_shows_on_the_brief_queue_and_outcome_page_with_the_backup_plan(
    promo, login, runner
):
    leader, smm, *_ = promo
    brief = behind_brief(promo)
    client = login(leader)
    html = client.get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "At risk" in html and "Act on the backup plan" in html  # computed, not recorded
    assert runner.invoke(args=["promotions", "check-at-risk"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).at_risk_since is not None  # the check's
    assert "At risk" in client.get(f"/promotions/{brief.id}").get_data(as_text=True)
    assert "At risk" in login(smm).get("/promotions/").get_data(as_text=True)
    assert "Behind its target" in client.get("/promotions/notifications").get_data(as_text=True)


def test_opening_the_outcome_page_writes_nothing_and_sends_no_mail(
    promo, login, count_queries, runner
):
    """A brief behind its pace is shown at risk, but only the cron command records the fall
    and warns its people."""
    from core.mail import OutgoingEmail

    leader, smm, *_ = promo
    brief = behind_brief(promo)

    def mails_and_notifications():
        return [
            db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (OutgoingEmail, Notification)
        ]

    before = mails_and_notifications()  # the workflow's own news so far
    for person in (leader, smm):
        client = login(person)
        client.get(f"/promotions/{brief.id}/outcome")  # the menu's facts kept in the session
        with count_queries() as statements:
            page = client.get(f"/promotions/{brief.id}/outcome")
        assert page.status_code == 200 and "Act on the backup plan" in page.text
        writes = [
            s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).at_risk_since is None
    assert mails_and_notifications() == before

    result = runner.invoke(args=["promotions", "check-at-risk"])
    assert result.exit_code == 0 and "1 newly at risk" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).at_risk_since is not None
    mailed = db.session.execute(
        select(OutgoingEmail.to_address).where(OutgoingEmail.kind == "at_risk")
    ).scalars()
    assert sorted(mailed) == sorted([leader.email, smm.email])


@pytest.mark.parametrize("briefs", [1, 4])
def test_the_at_risk_check_asks_for_leaders_once_for_all_briefs(app, count_queries, briefs):
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    today = utcnow().date()
    for n in range(briefs):
        leader = make_user(f"lead{n}@example.com")
        community = make_community(leader, f"Community {n}")
        event = make_event(leader, community, starts_at=utcnow() + timedelta(days=20))
        brief = running_brief(leader, smm, load_subject("event", event.id), target=20)
        brief.publish_from, brief.publish_until = today - timedelta(days=6), today + timedelta(3)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as statements:
        assert at_risk.check_at_risk() == (briefs, briefs)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # Besides what each e-mail asks (the reader's settings, the duplicate check), the
    # reads are the same few for any number of briefs: briefs, assignees, figures, leaders.
    per_email = ("email_preferences", "outgoing_emails")
    shared = [s for s in reads if not any(table in s for table in per_email)]
    assert len(shared) == 5, shared
    assert sum("memberships" in s and "users" in s for s in shared) == 1


def test_recovering_clears_the_flag(promo, app):
    brief = behind_brief(promo)
    at_risk.check_at_risk()
    db.session.commit()
    assert brief.at_risk_since is not None
    brief.target = 1
    brief.publish_until = utcnow().date() + timedelta(days=30)  # 20 % gone: too early to say
    at_risk.check_at_risk()
    assert brief.at_risk_since is None


def test_backup_steps_are_ticked_with_a_note_and_opened_again(promo, login):
    leader, smm, *_ = promo
    brief = behind_brief(promo)
    client = login(leader)
    empty = client.post(f"/promotions/{brief.id}/backup/0", data={"note": "  "})
    assert empty.status_code == 400
    assert "Note what was done" in empty.get_data(as_text=True)
    assert client.post(f"/promotions/{brief.id}/backup/7", data={"note": "x"}).status_code == 302
    assert not brief.backup_actions
    client.post(f"/promotions/{brief.id}/backup/1", data={"note": "Reminder sent to 300 people"})
    db.session.expire_all()
    brief = db.session.get(PromotionRequest, brief.id)
    [action] = brief.backup_actions
    assert (action.position, action.step, action.done_by_id) == (1, "Reminders", leader.id)
    html = client.get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "Reminder sent to 300 people" in html
    login(smm).post(f"/promotions/{brief.id}/backup/1/undo")
    db.session.expire_all()
    assert not db.session.get(PromotionRequest, brief.id).backup_actions


# --- the final report and references ---------------------------------------------------------


def test_reporting_freezes_the_figures_and_closes_the_brief(promo, login):
    leader, smm, visitor, _community, event = promo
    brief = event_brief(promo, target=1)
    link = make_link(smm, brief)
    client = login(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/events/{event.id}/register")
    backup_plan.tick_backup_step(smm, brief, 0, "Two reserve stories went out")
    db.session.commit()
    response = login(smm).post(
        f"/promotions/{brief.id}/report",
        data={"report": "One story, one registration.", "lessons": "Post earlier."},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    db.session.expire_all()
    brief = db.session.get(PromotionRequest, brief.id)
    assert brief.status == BriefStatus.CLOSED and brief.final_actual == 1
    assert brief.final_figures["channels"][0]["registrations"] == 1
    # Later changes do not move the report.
    cancel_registration(visitor, event.id)
    db.session.commit()
    page = login(leader).get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "1 of 1 registrations" in page and "Two reserve stories went out" in page
    assert "Post earlier." in page
    markdown = login(leader).get(f"/promotions/{brief.id}/results.md")
    assert markdown.mimetype == "text/markdown" and "| Instagram | 1 |" in markdown.get_data(
        as_text=True
    )
    csv = login(leader).get(f"/promotions/{brief.id}/results.csv").get_data(as_text=True)
    assert "Instagram,1,1,1,0,0,0" in csv and "Two reserve stories went out" in csv


def reported_brief(promo, frequency=None, **fields):
    """A brief with a registration through its link and SMM's channel figures, reported."""
    from promotions.models import ReportFrequency

    leader, smm, visitor, community, event = promo
    today = utcnow().date()
    brief = event_brief(
        promo, target=1, report_frequency=ReportFrequency(frequency or "at_the_end"), **fields
    )
    brief.publish_from, brief.publish_until = today - timedelta(days=20), today + timedelta(days=3)
    db.session.commit()  # make_link locks the brief first in its transaction
    link = make_link(smm, brief)
    services.record_publication(
        smm, brief.posts[0], "https://instagram.example/s/1", reach=12345, reactions=67, clicks=89
    )
    if not community.channels:
        group = communities.add_channel(community, "Facebook group", "https://fb.example/g")
        communities.record_snapshot(group, today - timedelta(days=21), 600)
        communities.record_snapshot(group, today, 681)
    db.session.commit()
    client = app_client(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/events/{event.id}/register")
    results.report_results(smm, brief, "Done.")
    db.session.commit()
    return brief


def app_client(user):
    from flask import current_app

    return current_app.test_client(user=user)


def test_final_report_speaks_the_readers_language(promo, login):
    leader, *_ = promo
    brief = reported_brief(promo, report_format="Figures on this page")
    client = login(leader)
    english = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "Instagram · Story ·" in english and "· story ·" not in english
    assert "100.0%" in english and "+13.5%" in english and "12,345" in english
    start = brief.publish_from
    assert f"{start:%b} {start.day}, {start.year}" in english  # a date as people write it
    assert f"{start:%Y.%m.%d}" not in english
    client.post("/language", data={"language": "uk"})
    ukrainian = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "Сторіс" in ukrainian and "100,0%" in ukrainian and "+13,5%" in ukrainian
    assert "12\xa0345" in ukrainian or "12 345" in ukrainian
    outcome = client.get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "100,0%" in outcome and "+13,5%" in outcome


def test_a_weekly_report_gives_the_figures_week_by_week(promo, login):
    leader, *_ = promo
    brief = reported_brief(promo, frequency="weekly", report_format="A table per week")
    weeks = brief.final_figures["periods"]
    assert len(weeks) >= 3 and weeks[0]["start"] == brief.publish_from.isoformat()
    assert all(date.fromisoformat(w["end"]).weekday() == 6 for w in weeks[:-1])  # to Sunday
    assert sum(w["gain"] for w in weeks) == weeks[-1]["actual"] == 1
    client = login(leader)
    html = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "What the request asked for" in html and "A table per week" in html
    assert "Week by week" in html and "Weekly" in html
    markdown = client.get(f"/promotions/{brief.id}/results.md").get_data(as_text=True)
    assert "## Week by week" in markdown and "A table per week" in markdown
    at_the_end = reported_brief(promo)
    assert at_the_end.final_figures["periods"] == []
    assert "Week by week" not in client.get(f"/promotions/{at_the_end.id}/results").get_data(
        as_text=True
    )


def test_the_markdown_report_lists_every_post(promo, login):
    brief = reported_brief(promo)
    markdown = login(promo[0]).get(f"/promotions/{brief.id}/results.md").get_data(as_text=True)
    [line] = [row for row in markdown.splitlines() if "https://instagram.example/s/1" in row]
    # When · channel · format · tracked clicks · outcomes · the channel's clicks · reach · reactions
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[1:8] == ["Instagram", "Story", "1", "1", "89", "12,345", "67"]


def test_the_outcome_page_shows_smms_figures_beside_the_tracked_ones(promo, login):
    _leader, smm, *_ = promo
    brief = event_brief(promo)
    services.record_publication(
        smm, brief.posts[0], "https://instagram.example/s/1", reach=1200, reactions=30, clicks=77
    )
    db.session.commit()
    html = login(smm).get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "Clicks by the channel's count" in html
    row = next(r for r in html.split("<tr>") if "instagram.example/s/1" in r)
    assert ">77<" in row and ">1,200<" in row and ">30<" in row and "Story" in row


def test_results_page_is_404_before_the_report(promo, login):
    brief = event_brief(promo)
    assert login(promo[0]).get(f"/promotions/{brief.id}/results").status_code == 404


def test_references_rank_past_briefs_by_actual_over_target(promo):
    leader, smm, _visitor, _community, event = promo
    ratios = {}
    for target, actual in [(10, 12), (10, 30), (10, 5), (4, 6)]:
        brief = event_brief(promo, target=target)
        brief.final_actual = actual  # as frozen by a report
        brief.status = BriefStatus.CLOSED
        ratios[brief.id] = actual / target
    leads = event_brief(promo, objective=Objective.LEADS, target=2)
    leads.final_actual, leads.status = 3, BriefStatus.CLOSED
    db.session.commit()
    picked = references.references(Objective.REGISTRATIONS)
    assert [round(r.ratio, 2) for r in picked] == [3.0, 1.5, 1.2]  # missed targets are left out
    assert picked[0].channels == ["Instagram"] and picked[0].formats == ["story"]
    everything = references.references()
    assert {r.brief.objective for r in everything} == {Objective.REGISTRATIONS, Objective.LEADS}


def test_new_request_form_suggests_references(promo, login):
    leader, smm, *_ = promo
    brief = event_brief(promo, target=5, title="The best webinar promotion")
    brief.final_actual, brief.status = 9, BriefStatus.CLOSED
    db.session.commit()
    html = login(leader).get(f"/promotions/new/event/{promo[4].id}").get_data(as_text=True)
    assert "The best webinar promotion" in html and "180" in html  # 180 % of the target


def closed_reference(leader, smm, community, title, objective=Objective.REGISTRATIONS):
    """A past brief of `community` that beat its target, as a report leaves it."""
    event = make_event(leader, community, starts_at=utcnow() + timedelta(days=20))
    brief = running_brief(
        leader, smm, load_subject("event", event.id), objective=objective, target=5, title=title
    )
    brief.final_actual, brief.status = 9, BriefStatus.CLOSED
    brief.final_figures, brief.lessons = {"posts": []}, f"Lesson kept inside {community.name}"
    db.session.commit()
    return brief


def test_references_from_other_communities_teach_without_their_private_text(promo, login):
    leader, smm, _visitor, community, event = promo
    other_leader = make_user("olga@example.com")
    testers = make_community(other_leader, "Testers")
    ours = closed_reference(leader, smm, community, "Our webinar")
    theirs = closed_reference(other_leader, smm, testers, "Their QA day")
    html = login(leader).get(f"/promotions/new/event/{event.id}").get_data(as_text=True)
    # What worked elsewhere: title, community, result, channels and formats.
    assert "Their QA day" in html and "Testers" in html and "180%" in html
    assert "Instagram · Story" in html
    # But the brief itself stays with its community and SMM.
    assert "Lesson kept inside Testers" not in html
    assert f"/promotions/{theirs.id}/results" not in html
    assert "Lesson kept inside Project Managers" in html
    assert f"/promotions/{ours.id}/results" in html


@pytest.mark.parametrize("others", [1, 5])
def test_the_request_form_reads_references_in_a_fixed_number_of_queries(
    promo, app, count_queries, others
):
    leader, smm, _visitor, _community, event = promo
    for n in range(others):
        other_leader = make_user(f"other{n}@example.com")
        closed_reference(other_leader, smm, make_community(other_leader, f"Guild {n}"), f"Ref {n}")
    client = app.test_client(user=leader)
    client.get(f"/promotions/new/event/{event.id}")  # warm the menu cache
    with count_queries() as statements:
        assert client.get(f"/promotions/new/event/{event.id}").status_code == 200
    assert len(statements) == 8, statements


def test_references_for_the_chosen_objective_come_first_and_open(promo, login):
    leader, smm, _visitor, community, event = promo
    closed_reference(leader, smm, community, "Leads brief", objective=Objective.LEADS)
    closed_reference(leader, smm, community, "Registrations brief")
    client = login(leader)

    def groups(html):
        return re.findall(r'<details class="mb-2" data-objective="(\w+)"( open)?', html)

    # The event's own objective, pre-filled.
    shown = client.get(f"/promotions/new/event/{event.id}").get_data(as_text=True)
    assert groups(shown) == [("registrations", " open"), ("leads", "")]
    assert "js/references.js" in shown  # switches the group when the choice changes
    # Shown again after a validation error, with the objective the person chose.
    again = client.post(
        f"/promotions/new/event/{event.id}",
        data={"title": "x", "objective": "leads", "target": "-3", "save": "1"},
    )
    assert again.status_code == 400
    assert groups(again.get_data(as_text=True)) == [("leads", " open"), ("registrations", "")]


def test_lead_attribution_without_request_context_is_a_no_op(promo):
    leader, _smm, _visitor, community, _event = promo
    from initiatives.models import InitiativeKind
    from initiatives.services import create_initiative

    initiative = create_initiative(
        leader, community, title="Mentoring", kind=InitiativeKind.GENERAL, description="",
        goal="", target=None,
    )  # fmt: skip
    record_lead(initiative, LeadKind.INTEREST, user=leader)
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 0


@pytest.mark.parametrize("end", ["archive the community", "close the initiative"])
def test_a_link_to_what_has_ended_counts_no_click_and_says_so(promo, client, end):
    from initiatives import services as initiatives

    leader, smm, _visitor, community, _event = promo
    sale = initiatives.create_initiative(
        leader, community, title="Sale", kind="catalog", is_public=True, status="active",
        categories="Leadership",
    )  # fmt: skip
    db.session.commit()
    brief = running_brief(leader, smm, load_subject("initiative", sale.id))
    link = make_link(smm, brief)
    if end == "archive the community":
        communities.archive_community(leader, community)
    else:
        initiatives.update_initiative(leader, sale, status="closed")
    db.session.commit()
    response = client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404
    assert "What this link promoted is over" in response.get_data(as_text=True)
    assert links.COOKIE not in response.headers.get("Set-Cookie", "")
    assert db.session.execute(select(func.count()).select_from(LinkVisit)).scalar_one() == 0


def test_an_ipv6_slash_64_and_an_ipv4_address_written_as_ipv6_are_one_visitor(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::7", "2001:DB8:1:2:0::1"):
        client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": address})
    client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})  # next /64
    for address in ("192.0.2.1", "::ffff:192.0.2.1"):
        client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": address})
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert (figures.total.visitors, figures.total.clicks) == (3, 6)


def test_a_briefs_leads_are_people_however_many_forms_one_sends(promo, client):
    from initiatives import services as initiatives
    from initiatives.models import CatalogItem

    leader, smm, _visitor, community, _event = promo
    sale = initiatives.create_initiative(
        leader, community, title="Sale", kind="catalog", is_public=True, status="active",
        categories="Leadership",
    )  # fmt: skip
    db.session.commit()
    brief = running_brief(
        leader, smm, load_subject("initiative", sale.id), objective=Objective.LEADS, target=10
    )
    link = make_link(smm, brief)
    client.get(f"/go/{link.code}")
    olha = {"name": "Olha", "email": "olha@x.example", "consent": "y"}
    for n in range(6):
        client.post(
            f"/public/initiatives/{sale.id}/offer",
            data={**olha, "title": f"Junk {n}", "category": "Leadership", "condition": "good"},
        )
    for item_id in db.session.execute(select(CatalogItem.id)).scalars().all():
        initiatives.withdraw_item(leader, sale, item_id)
        db.session.commit()
    client.post(f"/public/initiatives/{sale.id}/interest", data=olha)
    petro = {"name": "Petro", "email": "petro@x.example", "consent": "y"}
    client.post(f"/public/initiatives/{sale.id}/interest", data=petro)
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 8
    brief = db.session.get(PromotionRequest, brief.id)
    figures = outcome_figures.brief_outcome(brief)
    assert (figures.total.leads, figures.total.participants) == (2, 1)
    assert figures.line.actual == 2 and figures.actual_by_day[-1] == 2
    assert outcomes.outcome_lines([brief])[brief.id].actual == 2
