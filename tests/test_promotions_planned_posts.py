"""The brief page leads with the next step, and SMM keeps the plan right: planned posts
stay within the publication window, and can be changed or deleted until published."""

from datetime import timedelta

import pytest

from core.extensions import db
from promotions.models import BriefStatus, PlannedPost, PromotionRequest
from tests.test_promotions_factories import brief_in, people_world, plan_post


@pytest.fixture
def people(app):
    return people_world()


def post_data(brief, day, **overrides) -> dict:
    return {
        "channel": str(brief.channels[0].id),
        "format": "story",
        "scheduled_at": f"{day.isoformat()}T10:00",
        **overrides,
    }


def test_after_accept_the_page_leads_with_planning_and_no_second_decision(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    page = login(smm).get(f"/promotions/{brief.id}").text
    assert page.index("Add planned post") < page.index("The brief")
    assert "Request changes" not in page and ">Decline<" not in page
    # The required channel select starts on no channel, and the window is said.
    assert '<option selected value="">' in page or '<option value="" selected>' in page
    assert "Publication window:" in page


def test_a_submitted_brief_still_offers_the_decision(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    page = login(smm).get(f"/promotions/{brief.id}").text
    assert "Request changes" in page and "Decline" in page and "Accept" in page


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_post_outside_the_publication_window_is_refused_beside_the_date(people, login, offset):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    day = brief.publish_from - timedelta(days=1) if offset < 0 else brief.publish_until
    day = day + timedelta(days=1) if offset > 0 else day
    response = login(smm).post(f"/promotions/{brief.id}/posts", data=post_data(brief, day))
    assert response.status_code == 400
    assert "Plan the post within the publication window" in response.text
    assert 'id="scheduled_at"' in response.text and "is-invalid" in response.text
    db.session.expire_all()
    refreshed = db.session.get(PromotionRequest, brief.id)
    assert refreshed.posts == [] and refreshed.status == BriefStatus.ACCEPTED


def test_the_window_s_first_and_last_days_are_inside_it(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    client = login(smm)
    for day in (brief.publish_from, brief.publish_until):
        assert (
            client.post(f"/promotions/{brief.id}/posts", data=post_data(brief, day)).status_code
            == 302
        )
    db.session.expire_all()
    assert len(db.session.get(PromotionRequest, brief.id).posts) == 2


def test_an_empty_channel_choice_is_named(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    data = post_data(brief, brief.publish_from, channel="")
    response = login(smm).post(f"/promotions/{brief.id}/posts", data=data)
    assert response.status_code == 400 and "Choose the channel." in response.text


def test_smm_changes_a_planned_post(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    post = plan_post(smm, brief)
    url = f"/promotions/{brief.id}/posts/{post.id}/edit"
    client = login(smm)
    form = client.get(url)
    assert form.status_code == 200 and "Save planned post" in form.text
    new_day = brief.publish_until
    response = client.post(url, data=post_data(brief, new_day, notes="Moved to the last day"))
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(PlannedPost, post.id)
    assert changed.notes == "Moved to the last day"
    outside = client.post(url, data=post_data(brief, new_day + timedelta(days=30)))
    assert outside.status_code == 400 and "publication window" in outside.text
    db.session.expire_all()
    assert db.session.get(PlannedPost, post.id).notes == "Moved to the last day"


def test_deleting_asks_first_and_the_last_post_takes_the_brief_back_to_accepted(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    post = plan_post(smm, brief)
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.SCHEDULED
    url = f"/promotions/{brief.id}/posts/{post.id}/delete"
    client = login(smm)
    ask = client.get(url)
    assert ask.status_code == 200 and "Delete planned post?" in ask.text
    assert "goes back to Accepted" in ask.text
    assert db.session.get(PlannedPost, post.id) is not None  # asking changes nothing
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlannedPost, post.id) is None
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.ACCEPTED


def test_a_published_post_is_neither_changed_nor_deleted(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    post = brief.posts[0]
    client = login(smm)
    client.post(
        f"/promotions/{brief.id}/posts/{post.id}",
        data={"published_url": "https://instagram.example/p/1"},
    )
    client.post(f"/promotions/{brief.id}/posts/{post.id}/delete")
    db.session.expire_all()
    assert db.session.get(PlannedPost, post.id) is not None
    edit = client.post(
        f"/promotions/{brief.id}/posts/{post.id}/edit", data=post_data(brief, brief.publish_from)
    )
    assert edit.status_code == 400 and "published already" in edit.text


def test_another_brief_s_post_is_not_found(people, login):
    leader, smm, _member, community = people
    first = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    second = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    url = f"/promotions/{first.id}/posts/{second.posts[0].id}/delete"
    assert login(smm).post(url).status_code == 404
    assert (
        login(smm).get(f"/promotions/{first.id}/posts/{second.posts[0].id}/edit").status_code == 404
    )
