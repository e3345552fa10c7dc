"""A community's public page: leaders turn it on; people outside the company see only what
is public; briefs for outsiders lead there, or say that outsiders will meet sign-in."""

from sqlalchemy import select

from community import services as communities
from community.models import Community
from core.audit import AuditEntry
from core.extensions import db
from initiatives import editing
from initiatives.models import InitiativeStatus
from promotions import links
from promotions.models import Audience, Objective
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import running_brief


def community_with_a_member():
    leader = make_user("lena@example.com", "Lena Leader")
    member = make_user("mykola@example.com", "Mykola Quietname")
    community = make_community(leader, description="We **meet** monthly.")
    communities.join_community(member, community)
    db.session.commit()
    return leader, member, community


def turn_on(community: Community) -> None:
    community.public_page = True
    db.session.commit()


def edit_form(community: Community, **changes) -> dict:
    return {
        "name": community.name,
        "kind": community.kind.value,
        "description": community.description,
        "join_policy": community.join_policy.value,
        "hold_first_posts": "0",
        **changes,
    }


def test_leaders_turn_the_public_page_on_with_a_checkbox_and_it_is_audited(app, login):
    leader, _member, community = community_with_a_member()
    client = login(leader)
    assert 'id="public_page"' in client.get(f"/communities/{community.slug}/edit").text
    response = client.post(
        f"/communities/{community.slug}/edit", data=edit_form(community, public_page="y")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Community, community.id).public_page is True
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "community.public_page" in actions
    client.post(f"/communities/{community.slug}/edit", data=edit_form(community))
    db.session.expire_all()
    assert db.session.get(Community, community.id).public_page is False


def test_outsiders_see_what_is_public_and_no_member_or_private_thing(app, client):
    leader, _member, community = community_with_a_member()
    open_to_all = editing.create_initiative(
        leader, community, title="Charity Book Sale", is_public=True,
        status=InitiativeStatus.ACTIVE, goal="100 books for the fund",
    )  # fmt: skip
    editing.create_initiative(
        leader, community, title="Secret Offsite", status=InitiativeStatus.ACTIVE
    )
    editing.create_initiative(leader, community, title="Draft Thing", is_public=True)
    db.session.commit()
    turn_on(community)
    page = client.get(f"/communities/{community.slug}/public")
    assert page.status_code == 200
    text = page.text
    assert community.name in text and "<strong>meet</strong>" in text
    assert "2 members" in text
    assert f'href="/public/initiatives/{open_to_all.id}"' in text
    assert "100 books for the fund" in text
    assert "Sign in to join" in text and "/signin?next=" in text
    for private in ("Mykola Quietname", "Lena Leader", "Secret Offsite", "Draft Thing"):
        assert private not in text
    assert 'name="robots"' not in text


def test_while_the_page_is_off_its_address_leads_to_the_community_page(app, client, login):
    leader, member, community = community_with_a_member()
    url = f"/communities/{community.slug}/public"
    community_page = f"/communities/{community.slug}"
    for person in (client, login(member)):
        response = person.get(url)
        assert response.status_code == 302 and response.location == community_page
    assert client.get(url, follow_redirects=True).request.path == "/signin"
    preview = login(leader).get(url)
    assert preview.status_code == 200 and "Preview" in preview.text


def test_a_link_shared_while_the_page_was_on_still_leads_somewhere_after_it_is_off(app, login):
    leader, member, community = community_with_a_member()
    turn_on(community)
    _smm, brief = achievement_brief(leader, community)
    target = links.default_target(brief)
    community.public_page = False
    db.session.commit()
    assert login(member).get(target, follow_redirects=True).status_code == 200


def test_an_archived_or_unknown_community_has_no_public_page(app, client, login):
    leader, member, community = community_with_a_member()
    turn_on(community)
    communities.archive_community(leader, community)
    db.session.commit()
    for slug in (community.slug, "no-such-community"):
        assert client.get(f"/communities/{slug}/public").location == f"/communities/{slug}"
        assert (
            login(member).get(f"/communities/{slug}/public", follow_redirects=True).status_code
            == 404
        )


def test_an_employee_on_the_public_page_is_sent_on_to_the_community(app, login):
    _leader, member, community = community_with_a_member()
    turn_on(community)
    text = login(member).get(f"/communities/{community.slug}/public").text
    assert f'href="/communities/{community.slug}"' in text and "Sign in to join" not in text


def achievement_brief(leader, community, audience=Audience.EXTERNAL):
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    subject = load_subject("achievement", community.id)
    brief = running_brief(
        leader, smm, subject, objective=Objective.GROUP_MEMBERS, audience=audience
    )
    return smm, brief


def test_an_achievement_brief_for_outsiders_leads_to_the_public_page_when_it_is_on(app):
    leader, _member, community = community_with_a_member()
    _smm, brief = achievement_brief(leader, community)
    assert links.default_target(brief) == f"/communities/{community.slug}"
    turn_on(community)
    assert links.default_target(brief) == f"/communities/{community.slug}/public"


def test_an_achievement_brief_for_colleagues_keeps_the_community_page(app):
    leader, _member, community = community_with_a_member()
    turn_on(community)
    _smm, brief = achievement_brief(leader, community, audience=Audience.INTERNAL)
    assert links.default_target(brief) == f"/communities/{community.slug}"


def test_an_event_brief_for_outsiders_leads_to_the_public_page_when_it_is_on(app):
    from datetime import timedelta

    from core.models import utcnow
    from tests.test_events_factories import make_event

    leader, _member, community = community_with_a_member()
    turn_on(community)
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    event = make_event(leader, community, starts_at=utcnow() + timedelta(days=20))
    outside = running_brief(
        leader, smm, load_subject("event", event.id), audience=Audience.EXTERNAL
    )
    assert links.default_target(outside) == f"/communities/{community.slug}/public"
    both = running_brief(leader, smm, load_subject("event", event.id), audience=Audience.BOTH)
    assert links.default_target(both) == f"/events/{event.id}"


def test_while_the_page_is_off_the_brief_says_outsiders_meet_sign_in(app, login):
    leader, _member, community = community_with_a_member()
    smm, brief = achievement_brief(leader, community)
    edit = f'href="/communities/{community.slug}/edit#public_page"'
    leader_page = login(leader).get(f"/promotions/{brief.id}").text
    assert "will be asked to sign in" in leader_page and edit in leader_page
    smm_outcome = login(smm).get(f"/promotions/{brief.id}/outcome").text
    assert "will be asked to sign in" in smm_outcome and edit not in smm_outcome
    turn_on(community)
    assert "will be asked to sign in" not in login(leader).get(f"/promotions/{brief.id}").text


def test_a_brief_for_outsiders_about_an_initiative_that_is_not_public_says_they_meet_sign_in(
    app, login
):
    leader, _member, community = community_with_a_member()
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    initiative = editing.create_initiative(
        leader, community, title="Mentoring", status=InitiativeStatus.ACTIVE
    )
    db.session.commit()
    subject = load_subject("initiative", initiative.id)
    outside = running_brief(leader, smm, subject, audience=Audience.EXTERNAL)
    colleagues = running_brief(leader, smm, subject, audience=Audience.INTERNAL)
    edit = f'href="/initiatives/{initiative.id}/edit#is_public"'
    leader_page = login(leader).get(f"/promotions/{outside.id}").text
    assert "the initiative is not public" in leader_page and edit in leader_page
    smm_outcome = login(smm).get(f"/promotions/{outside.id}/outcome").text
    assert "the initiative is not public" in smm_outcome and edit not in smm_outcome
    ukrainian = (
        login(leader).get(f"/promotions/{outside.id}", headers={"Accept-Language": "uk"}).text
    )
    assert "ініціатива не публічна" in ukrainian
    assert "sign-in-hint" not in login(leader).get(f"/promotions/{colleagues.id}").text
    initiative.is_public = True
    db.session.commit()
    assert "sign-in-hint" not in login(leader).get(f"/promotions/{outside.id}").text
