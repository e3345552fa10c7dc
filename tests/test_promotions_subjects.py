"""What a request promotes comes from the subject registry, pre-filled and validated."""

from datetime import timedelta

import pytest

from promotions.subjects import load_subject, subject_kinds
from tests.conftest import make_community, make_user

needs_events = pytest.mark.skipif(
    "event" not in subject_kinds(), reason="events are not registered as a promotion subject"
)
needs_initiatives = pytest.mark.skipif(
    "initiative" not in subject_kinds(), reason="initiatives are not registered"
)


@pytest.fixture
def leader_and_community(app):
    leader = make_user("lena@example.com", "Lena Leader")
    return leader, make_community(leader)


def test_achievement_is_the_community_itself(leader_and_community):
    _leader, community = leader_and_community
    subject = load_subject("achievement", community.id)
    assert subject.community == community and subject.title == ""
    assert load_subject("achievement", community.id + 100) is None


def test_unknown_kind_or_thing_is_not_found(leader_and_community, login):
    leader, community = leader_and_community
    client = login(leader)
    assert client.get(f"/promotions/new/poster/{community.id}").status_code == 404
    assert client.get(f"/promotions/new/achievement/{community.id + 100}").status_code == 404


@needs_events
def test_event_request_starts_from_its_registration_goal_and_date(leader_and_community, login):
    from tests.test_events_factories import make_event

    leader, community = leader_and_community
    event = make_event(leader, community, registration_goal=35)
    page = login(leader).get(f"/promotions/new/event/{event.id}").get_data(as_text=True)
    assert 'value="35"' in page and "Leadership book club" in page
    assert '<option selected value="registrations">' in page
    late = (event.starts_at.date() + timedelta(days=2)).isoformat()
    response = login(leader).post(
        f"/promotions/new/event/{event.id}",
        data={"title": "Book club", "publish_until": late, "save": "Save draft"},
    )
    assert response.status_code == 400 and "Publication must end by the event day" in response.text


@needs_initiatives
def test_initiative_request_aims_at_leads(leader_and_community, login):
    from initiatives import editing

    leader, community = leader_and_community
    initiative = editing.create_initiative(leader, community, title="Charity Book Sale")
    from core.extensions import db

    db.session.commit()
    page = login(leader).get(f"/promotions/new/initiative/{initiative.id}").get_data(as_text=True)
    assert "Charity Book Sale" in page and '<option selected value="leads">' in page


@needs_events
def test_event_pages_can_ask_for_the_request_link(leader_and_community, app):
    from flask import render_template_string
    from flask_login import login_user

    from tests.test_events_factories import make_event

    leader, community = leader_and_community
    member = make_user("max@example.com", "Max Member")
    event = make_event(leader, community)
    line = "{% for label, url in event_actions(event) %}{{ url }}{% endfor %}"
    with app.test_request_context():
        login_user(leader)
        assert render_template_string(line, event=event) == f"/promotions/new/event/{event.id}"
    with app.test_request_context():
        login_user(member)
        assert render_template_string(line, event=event) == ""
