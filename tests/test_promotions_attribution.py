"""Attribution: what a visitor who came through a tracked link does counts for its brief."""

import pytest
from sqlalchemy import func, select

from community import services as communities
from core.extensions import db
from events.registering import cancel_registration, register_for_event
from initiatives.leads import record_lead
from initiatives.models import LeadKind
from promotions import (
    links,
    outcome_figures,
    outcomes,
)
from promotions.models import (
    Attribution,
    Objective,
    PromotionRequest,
)
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import (
    arriving_through,
    event_brief,
    make_link,
    promo_world,
    running_brief,
)


@pytest.fixture
def promo(app):
    return promo_world()


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


def attributed() -> list[tuple]:
    return db.session.execute(
        select(Attribution.request_id, Attribution.kind).order_by(Attribution.id)
    ).all()


def test_an_event_brief_counts_only_what_belongs_to_its_event(promo, app):
    leader, smm, visitor, community, event = promo
    from initiatives.editing import create_initiative

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
    from initiatives.editing import create_initiative

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
    from initiatives.editing import create_initiative

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
    from initiatives.editing import create_initiative
    from initiatives.models import InitiativeKind, InitiativeStatus

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


def test_lead_attribution_without_request_context_is_a_no_op(promo):
    leader, _smm, _visitor, community, _event = promo
    from initiatives.editing import create_initiative
    from initiatives.models import InitiativeKind

    initiative = create_initiative(
        leader, community, title="Mentoring", kind=InitiativeKind.GENERAL, description="",
        goal="", target=None,
    )  # fmt: skip
    record_lead(initiative, LeadKind.INTEREST, user=leader)
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 0


def test_a_briefs_leads_are_people_however_many_forms_one_sends(promo, client):
    from initiatives import catalog_items, editing
    from initiatives.models import CatalogItem

    leader, smm, _visitor, community, _event = promo
    sale = editing.create_initiative(
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
        catalog_items.withdraw_item(leader, sale, item_id)
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
