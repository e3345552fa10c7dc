"""Irreversible steps ask first, with no script needed: the button opens a page that
says what will happen and changes nothing; that page's button does the step."""

from community import services as communities
from community.models import JoinPolicy, MembershipStatus
from core.extensions import db
from events.models import Event
from promotions.models import BriefStatus, PromotionRequest
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in, people_world


def test_leaving_an_approval_community_asks_first(app, login):
    leader = make_user("lena@example.com", "Lena Leader")
    member = make_user("max@example.com", "Max Member")
    community = make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)
    membership = communities.join_community(member, community)
    db.session.commit()  # approving locks the request first, in a transaction of its own
    communities.approve_request(leader, membership)
    db.session.commit()
    client = login(member)
    page = client.get(f"/communities/{community.slug}").text
    # The community page's "Leave" is a button that opens the question.
    assert f'<form method="get" action="/communities/{community.slug}/leave"' in page
    ask = client.get(f"/communities/{community.slug}/leave")
    assert ask.status_code == 200 and "Leave QA Guild?" in ask.text
    assert "ask its leaders again" in ask.text and "Go back" in ask.text
    assert communities.is_member(member, community)  # asking changed nothing
    assert client.post(f"/communities/{community.slug}/leave").status_code == 302
    db.session.expire_all()
    assert not communities.is_member(member, community)


def test_leaving_an_open_community_is_one_click(app, login):
    leader = make_user("lena@example.com", "Lena Leader")
    member = make_user("max@example.com", "Max Member")
    community = make_community(leader)
    communities.join_community(member, community)
    db.session.commit()
    page = login(member).get(f"/communities/{community.slug}").text
    assert f'<form method="post" action="/communities/{community.slug}/leave"' in page


def test_declining_a_join_request_asks_first(app, login):
    leader = make_user("lena@example.com", "Lena Leader")
    asker = make_user("ann@example.com", "Ann Asker")
    community = make_community(leader, "QA Guild", join_policy=JoinPolicy.APPROVAL)
    membership = communities.join_community(asker, community)
    db.session.commit()
    url = f"/communities/{community.slug}/members/{membership.id}/reject"
    client = login(leader)
    assert f'action="{url}"' in client.get(f"/communities/{community.slug}/members").text
    ask = client.get(url)
    assert ask.status_code == 200 and "Decline Ann Asker&#39;s request?" in ask.text
    assert db.session.get(type(membership), membership.id).status == MembershipStatus.PENDING
    client.post(url)
    db.session.expire_all()
    assert db.session.get(type(membership), membership.id).status == MembershipStatus.LEFT


def test_cancelling_an_event_asks_first(app, login):
    leader = make_user("lena@example.com", "Lena Leader")
    event = make_event(leader, make_community(leader), title="Retro night")
    client = login(leader)
    ask = client.get(f"/events/{event.id}/cancel")
    assert ask.status_code == 200 and "Cancel Retro night?" in ask.text
    assert not db.session.get(Event, event.id).is_cancelled
    client.post(f"/events/{event.id}/cancel")
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_cancelled


def test_making_an_admin_asks_first_and_carries_the_role(app, login):
    admin = make_user("ada@example.com", "Ada Admin", is_admin=True)
    employee = make_user("eve@example.com", "Eve Employee")
    client = login(admin)
    url = f"/admin/users/{employee.id}/roles"
    ask = client.get(url, query_string={"role": "admin", "granted": "1", "q": "eve"})
    assert ask.status_code == 200 and "Make Eve Employee an admin?" in ask.text
    assert 'name="role" value="admin"' in ask.text and 'name="granted" value="1"' in ask.text
    assert not db.session.get(type(employee), employee.id).is_admin
    done = client.post(url, data={"role": "admin", "granted": "1", "q": "eve"})
    assert done.status_code == 302 and done.location.endswith("q=eve")
    db.session.expire_all()
    assert db.session.get(type(employee), employee.id).is_admin
    # Nothing to ask for a step that needs no asking, or an unknown one.
    assert client.get(url, query_string={"role": "smm", "granted": "1"}).status_code == 400
    assert client.get(url, query_string={"role": "root", "granted": "1"}).status_code == 400


def test_declining_a_brief_asks_first_and_keeps_the_reason(app, login):
    leader, smm, _member, community = people_world()
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    client = login(smm)
    url = f"/promotions/{brief.id}/status"
    ask = client.post(url, data={"to": "declined", "reason": "Not our audience <b>at all</b>"})
    assert ask.status_code == 200 and "Decline" in ask.text
    # The reason travels on, escaped, in a hidden field of the question's form.
    assert 'value="Not our audience &lt;b&gt;at all&lt;/b&gt;"' in ask.text
    assert 'name="confirmed" value="1"' in ask.text
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.SUBMITTED
    client.post(url, data={"to": "declined", "reason": "Not our audience", "confirmed": "1"})
    db.session.expire_all()
    declined = db.session.get(PromotionRequest, brief.id)
    assert declined.status == BriefStatus.DECLINED and declined.status_reason == "Not our audience"


def test_reporting_results_inside_the_publication_window_asks_first(app, login):
    leader, smm, _member, community = people_world()
    brief = brief_in(BriefStatus.RUNNING, leader, smm, community)
    client = login(smm)
    url = f"/promotions/{brief.id}/report"
    ask = client.post(url, data={"report": "Two stories.", "lessons": ""})
    assert ask.status_code == 200
    assert "Report results before the publication window ends?" in ask.text
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.RUNNING
    done = client.post(url, data={"report": "Two stories.", "lessons": "", "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.CLOSED


def test_reporting_after_the_window_ends_needs_no_question(app, login):
    from datetime import timedelta

    from core.models import utcnow

    leader, smm, _member, community = people_world()
    brief = brief_in(BriefStatus.RUNNING, leader, smm, community)
    brief.publish_until = utcnow().date() - timedelta(days=2)
    brief.publish_from = brief.publish_until - timedelta(days=7)
    db.session.commit()
    done = login(smm).post(f"/promotions/{brief.id}/report", data={"report": "Done."})
    assert done.status_code == 302


def test_a_confirmation_page_passes_the_html_checks_a_page_does(app, login):
    """Its title is the question, and it has one main heading."""
    leader = make_user("lena@example.com", "Lena Leader")
    event = make_event(leader, make_community(leader), title="Retro night")
    page = login(leader).get(f"/events/{event.id}/cancel").text
    assert "<title>Cancel Retro night?" in page and page.count("<h1") == 1
