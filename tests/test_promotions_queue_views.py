"""Promotion pages across briefs: the queue, the content calendar, channels, notifications."""

import re
from datetime import timedelta

import pytest

from core.extensions import db
from core.models import utcnow
from core.permissions import can
from notifications import services as notifications
from promotions import permissions, services
from promotions.models import BriefStatus
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import brief_in, channel, people_world


@pytest.fixture
def people(app):
    return people_world()


def test_queue_shows_leaders_their_own_community_and_highlights_overdue(people, login):
    leader, smm, _member, community = people
    other_leader = make_user("otto@example.com", "Otto Other")
    other = make_community(other_leader, "Designers")
    mine = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    theirs = brief_in(BriefStatus.SUBMITTED, other_leader, smm, other)
    theirs.title = "Design Meetup"
    mine.content_deadline = utcnow().date() - timedelta(days=1)
    db.session.commit()
    page = login(leader).get("/promotions/").text
    assert "Charity Book Sale" in page and "Design Meetup" not in page
    assert "table-danger" in page and "Overdue" in page
    smm_page = login(smm).get("/promotions/?due=overdue").text
    assert "Charity Book Sale" in smm_page and "Design Meetup" not in smm_page
    assert "Design Meetup" in login(smm).get(f"/promotions/?community={other.id}").text


def test_calendar_shows_posts_by_week_and_channel_and_hides_other_communities(people, login):
    leader, smm, _member, community = people
    other_leader = make_user("otto@example.com", "Otto Other")
    other = make_community(other_leader, "Designers")
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    day = utcnow() + timedelta(days=6)  # within the brief's publication window
    services.add_planned_post(smm, brief, brief.channels[0], "story", day, "")
    theirs = brief_in(BriefStatus.ACCEPTED, other_leader, smm, other)
    theirs.title = "Design Meetup"
    db.session.commit()  # add_planned_post locks the brief first in its transaction
    services.add_planned_post(smm, theirs, theirs.channels[0], "reel", day, "")
    db.session.commit()
    start = day.date().isoformat()
    smm_page = login(smm).get(f"/promotions/calendar?start={start}").text
    assert "Charity Book Sale" in smm_page and "Design Meetup" in smm_page
    leader_page = login(leader).get(f"/promotions/calendar?start={start}&view=month").text
    assert "Charity Book Sale" in leader_page and "Design Meetup" not in leader_page
    assert "Booked" in leader_page
    linkedin = channel("LinkedIn")
    db.session.commit()
    filtered = login(smm).get(f"/promotions/calendar?start={start}&channel={linkedin.id}").text
    assert "Charity Book Sale" not in filtered


def test_calendar_survives_a_bad_start_date(people, login):
    _leader, smm, _member, _community = people
    assert login(smm).get("/promotions/calendar?start=yesterday&view=month").status_code == 200


def test_admin_adds_channels_and_smm_keeps_their_requirements(people, login):
    _leader, smm, _member, _community = people
    admin = make_user("ada@example.com", "Ada Admin", is_admin=True)
    instagram = channel()
    duplicate = login(admin).post("/promotions/channels", data={"name": "instagram"})
    assert duplicate.status_code == 400 and "exists already" in duplicate.text
    assert login(admin).post("/promotions/channels", data={"name": "Telegram"}).status_code == 302
    response = login(smm).post(
        f"/promotions/channels/{instagram.id}", data={"requirements": "Reels 9:16.", "name": "X"}
    )
    assert response.status_code == 302
    db.session.refresh(instagram)
    assert instagram.requirements == "Reels 9:16." and instagram.name == "Instagram"


def test_brief_news_is_on_the_notifications_page_and_marked_read(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    old = login(leader).get("/promotions/notifications")
    assert old.status_code == 301 and old.headers["Location"].endswith("/notifications")
    page = login(leader).get("/notifications").text
    assert f"A promotion brief changed: {brief.title}" in page
    assert login(leader).post("/notifications/read").status_code == 302
    assert notifications.unread_count(leader) == 0


def test_calendar_titles_are_those_of_the_briefs_the_person_may_open(people):
    leader, smm, member, community = people
    other_leader = make_user("otto@example.com", "Otto Other")
    other = make_community(other_leader, "Designers")
    admin = make_user("ada@example.com", "Ada Admin", is_admin=True)
    ours = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    theirs = brief_in(BriefStatus.ACCEPTED, other_leader, smm, other)
    for person, sees in [
        (smm, {ours, theirs}),
        (admin, {ours, theirs}),
        (leader, {ours}),
        (other_leader, {theirs}),
        (member, set()),
    ]:
        titles = permissions.calendar_titles(person)
        assert {b for b in (ours, theirs) if titles.shows(b)} == sees, person.email
        assert titles.shows_all == (sees == {ours, theirs})
        # The same answer as the brief page's own rule.
        assert {b for b in (ours, theirs) if can(person, "promotions.view", b)} == sees


def _queue_row(client, brief) -> str:
    page = client.get("/promotions/").text
    rows = re.findall(r"<tr class=.*?</tr>", page, re.S)
    (row,) = [row for row in rows if f'href="/promotions/{brief.id}"' in row]
    return row


def test_a_kept_queue_row_shows_each_change_at_once(people, login):
    """The queue's rows are kept by what they show (core/fragments.py): each change, one
    at a time, is another row at once; a leader and SMM see the same row."""
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    telegram = channel("Telegram", "Posts up to 4,096 characters.")
    sofia = make_user("sofia@example.com", "Sofia Smm", is_smm=True)
    staff = login(smm)
    assert "Charity Book Sale" in _queue_row(staff, brief)
    assert _queue_row(staff, brief) == _queue_row(login(leader), brief)

    changes = [
        (lambda: setattr(brief, "title", "Book Sale, second edition"), "second edition"),
        (lambda: setattr(brief, "status", BriefStatus.ACCEPTED), ">Accepted<"),
        (lambda: setattr(brief, "content_deadline", utcnow().date() - timedelta(days=1)),
         "Overdue"),
        (lambda: setattr(brief, "at_risk_since", utcnow()), "At risk"),
        (lambda: brief.channels.append(telegram), "Telegram"),
        (lambda: setattr(brief, "assignee", sofia), "Sofia Smm"),
    ]  # fmt: skip
    for change, shown in changes:
        assert shown not in _queue_row(staff, brief)  # and kept
        change()
        db.session.commit()
        assert shown in _queue_row(staff, brief)
