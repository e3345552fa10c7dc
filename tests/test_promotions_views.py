"""Promotion pages: the request form teaches and validates, the brief and its posts."""

from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import utcnow
from promotions import assets
from promotions.models import BriefStatus, PromotionRequest
from tests.test_promotions_factories import (
    brief_in,
    channel,
    draft_brief,
    people_world,
    plan_post,
)


@pytest.fixture
def people(app):
    return people_world()


def form_data(**overrides) -> dict:
    today = utcnow().date()
    data = {
        "title": "Charity Book Sale",
        "objective": "leads",
        "target": "40",
        "key_message": "Exchange a book for a donation.",
        "audience": "both",
        "channels": [str(channel().id)],
        "content_deadline": (today + timedelta(days=2)).isoformat(),
        "publish_from": (today + timedelta(days=4)).isoformat(),
        "publish_until": (today + timedelta(days=10)).isoformat(),
        "ad_budget": "1500.00",
        "currency": "UAH",
        "references": "https://example.org/a\nhttp://example.org/b",
        "backup_plan": "Reserve posts\nReminders",
        "report_format": "Figures on the brief page",
        "report_frequency": "weekly",
        "submit": "Submit to SMM",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_url(community) -> str:
    return f"/promotions/new/achievement/{community.id}"


def brief_count() -> int:
    return db.session.execute(select(func.count()).select_from(PromotionRequest)).scalar_one()


def test_form_is_prefilled_and_says_why_each_field_matters(people, login):
    leader, _smm, _member, community = people
    channel("Instagram", "Stories 1080×1920 px.")
    page = login(leader).get(new_url(community)).get_data(as_text=True)
    assert "New promotion request" in page
    assert "Reserve posts ready to publish" in page  # backup plan suggestions
    assert '<option selected value="group_members">' in page
    assert "SMM plans reach and budget against it" in page  # a field description
    assert "Stories 1080×1920 px." in page  # channel requirements beside the form


def test_community_page_offers_leaders_a_new_promotion_request(people, login):
    leader, _smm, member, community = people
    assert "New promotion request" in login(leader).get(f"/communities/{community.slug}").text
    assert "New promotion request" not in login(member).get(f"/communities/{community.slug}").text


def test_draft_saves_with_partial_data(people, login):
    leader, _smm, _member, community = people
    response = login(leader).post(new_url(community), data={"title": "Idea", "save": "Save draft"})
    assert response.status_code == 302
    brief = db.session.execute(select(PromotionRequest)).scalar_one()
    assert brief.status == BriefStatus.DRAFT and brief.title == "Idea"


def test_submit_to_smm_requires_every_field_with_the_message_beside_it(people, login):
    leader, _smm, _member, community = people
    response = login(leader).post(new_url(community), data={"title": "Idea", "submit": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the one thing people should remember." in page
    assert "Tick at least one channel." in page
    assert brief_count() == 0


def test_complete_request_goes_to_smm_and_rings_their_bell(people, login):
    leader, smm, _member, community = people
    response = login(leader).post(new_url(community), data=form_data())
    assert response.status_code == 302
    brief = db.session.execute(select(PromotionRequest)).scalar_one()
    assert brief.status == BriefStatus.SUBMITTED and brief.target == 40
    assert brief.reference_list == ["https://example.org/a", "http://example.org/b"]
    page = login(smm).get("/promotions/").get_data(as_text=True)
    assert "Charity Book Sale" in page
    assert (  # the bell
        '<span class="nav-icon-label">Notifications</span> '
        '<span class="badge text-bg-warning">1</span>' in page
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "forty", "Not a valid integer"),
        ("target", "-5", "Enter a number from 1 to 10,000,000."),
        ("objective", "likes", "Not a valid choice"),
        ("currency", "GBP", "Not a valid choice"),
        ("channels", ["999"], "not a valid choice"),
        ("ad_budget", "-1", "Enter a number from 0 to 1,000,000,000."),
        ("references", "javascript:alert(1)", "is not a web address"),
        ("references", "https://ok.example\nftp://files.example/x", "is not a web address"),
        ("content_deadline", "2020-01-01", "The content deadline has passed"),
        ("content_deadline", "not a date", "Not a valid date"),
        ("publish_until", str(utcnow().date() + timedelta(days=3)), "must end on or after"),
        ("title", "x" * 201, "Field cannot be longer"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_beside_its_field(people, login, field, value, message):
    leader, _smm, _member, community = people
    for button in ("submit", "save"):
        data = form_data(**{field: value})
        if button == "save":
            data.pop("submit")
            data["save"] = "Save draft"
        response = login(leader).post(new_url(community), data=data)
        assert response.status_code == 400, button
        assert message in response.get_data(as_text=True)
    assert brief_count() == 0


def test_content_deadline_must_come_before_publication(people, login):
    leader, _smm, _member, community = people
    late = (utcnow().date() + timedelta(days=6)).isoformat()
    response = login(leader).post(new_url(community), data=form_data(content_deadline=late))
    assert response.status_code == 400
    assert "by the first publication day" in response.get_data(as_text=True)


def test_assets_are_checked_stored_and_served_only_to_those_allowed(people, login):
    leader, smm, member, community = people
    bad = form_data(assets=(BytesIO(b"MZ..."), "tool.exe"))
    response = login(leader).post(new_url(community), data=bad)
    assert response.status_code == 400 and "tool.exe: attach images" in response.text
    good = form_data(assets=(BytesIO(b"\x89PNG photo"), "../../photo.png"))
    assert login(leader).post(new_url(community), data=good).status_code == 302
    brief = db.session.execute(select(PromotionRequest)).scalar_one()
    asset = brief.assets[0]
    assert asset.filename == "photo.png" and asset.size == len(b"\x89PNG photo")
    url = f"/promotions/{brief.id}/assets/{asset.id}"
    download = login(smm).get(url)
    assert (
        download.data == b"\x89PNG photo"
        and "attachment" in download.headers["Content-Disposition"]
    )
    assert login(member).get(url).status_code == 404


def test_too_large_asset_is_refused(people, login, monkeypatch):
    leader, _smm, _member, community = people
    monkeypatch.setattr(assets, "MAX_ASSET_BYTES", 10)
    data = form_data(assets=(BytesIO(b"x" * 11), "big.pdf"))
    response = login(leader).post(new_url(community), data=data)
    assert response.status_code == 400 and "larger than" in response.text


def test_smm_requests_changes_and_the_leader_edits_and_resubmits(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    no_reason = login(smm).post(
        f"/promotions/{brief.id}/status", data={"to": "changes_requested", "reason": ""}
    )
    assert no_reason.status_code == 400 and "Say why" in no_reason.text
    login(smm).post(
        f"/promotions/{brief.id}/status",
        data={"to": "changes_requested", "reason": "Add the catalog link."},
    )
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.CHANGES_REQUESTED
    edit = login(leader).get(f"/promotions/{brief.id}/edit")
    assert "Add the catalog link." in edit.text
    response = login(leader).post(
        f"/promotions/{brief.id}/edit", data=form_data(key_message="Books for a cause.")
    )
    assert response.status_code == 302
    db.session.expire_all()
    brief = db.session.get(PromotionRequest, brief.id)
    assert brief.status == BriefStatus.SUBMITTED and brief.key_message == "Books for a cause."


@pytest.mark.parametrize("target", ["closed", "running", "scheduled", "draft", "reported"])
def test_posting_a_status_the_workflow_forbids_changes_nothing(people, login, target):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    response = login(smm).post(f"/promotions/{brief.id}/status", data={"to": target, "reason": "x"})
    assert response.status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(PromotionRequest, brief.id).status == BriefStatus.SUBMITTED


def test_unknown_status_is_a_bad_request(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    assert login(smm).post(f"/promotions/{brief.id}/status", data={"to": "won"}).status_code == 400


def test_leader_cannot_edit_a_submitted_brief(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    assert login(leader).post(f"/promotions/{brief.id}/edit", data=form_data()).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "story", "scheduled_at": ""}, "Give the day and time"),
        ({"format": "story", "scheduled_at": "tomorrow"}, "Not a valid datetime"),
        ({"format": "tiktok", "scheduled_at": "2030-01-01T10:00"}, "Not a valid choice"),
        ({"format": "story", "scheduled_at": "2030-01-01T10:00", "channel": "999"},
         "Not a valid choice"),
    ],
)  # fmt: skip
def test_bad_planned_post_is_refused(people, login, data, message):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    data = {"channel": str(brief.channels[0].id), **data}
    response = login(smm).post(f"/promotions/{brief.id}/posts", data=data)
    assert response.status_code == 400 and message in response.text
    assert not db.session.get(PromotionRequest, brief.id).posts


def test_published_post_records_address_and_figures(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    url = f"/promotions/{brief.id}/posts/{brief.posts[0].id}"
    bad = login(smm).post(url, data={"published_url": "javascript:alert(1)", "reach": "-3"})
    assert bad.status_code == 400 and "starting with https://" in bad.text
    ok = {"published_url": "https://instagram.example/s/1", "reach": "900", "reactions": "45"}
    assert login(smm).post(url, data=ok).status_code == 302
    post = brief.posts[0]
    db.session.refresh(post)
    assert post.published_url.endswith("/s/1") and post.reach == 900 and post.clicks is None


def test_empty_comment_and_report_are_refused(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.RUNNING, leader, smm, community)
    assert (
        login(leader).post(f"/promotions/{brief.id}/comments", data={"body": ""}).status_code == 400
    )
    response = login(smm).post(f"/promotions/{brief.id}/report", data={"report": ""})
    assert response.status_code == 400 and "Write what the promotion achieved." in response.text


def test_brief_downloads_as_markdown(people, login):
    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.SCHEDULED, leader, smm, community)
    response = login(smm).get(f"/promotions/{brief.id}/brief.md")
    text = response.get_data(as_text=True)
    assert (
        response.mimetype == "text/markdown"
        and "attachment" in response.headers["Content-Disposition"]
    )
    assert text.startswith("# Charity Book Sale")
    assert (
        "- [ ] Reserve posts" in text
        and "Instagram" in text
        and "<https://example.org/great-post>" in text
    )


def test_planning_a_post_on_a_draft_brief_is_refused(people, login):
    leader, smm, _member, community = people
    brief = draft_brief(leader, community)
    data = {
        "channel": str(brief.channels[0].id),
        "format": "story",
        "scheduled_at": "2030-01-01T10:00",
    }
    assert login(smm).post(f"/promotions/{brief.id}/posts", data=data).status_code == 403
    assert plan_post  # the factory plans posts through the same service


def test_event_and_initiative_pages_offer_a_promotion_request_to_leaders(world, login):
    from initiatives import editing
    from initiatives.models import InitiativeKind, InitiativeStatus
    from tests.test_events_factories import make_event

    leader, member = world.users["leader"], world.users["member"]
    event = make_event(leader, world.community)
    initiative = editing.create_initiative(
        leader, world.community, title="Charity Book Sale", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE,
    )  # fmt: skip
    db.session.commit()
    for page in (f"/events/{event.id}", f"/initiatives/{initiative.id}"):
        assert "New promotion request" in login(leader).get(page).text, page
        assert "New promotion request" not in login(member).get(page).text, page


def test_an_asset_name_with_control_characters_is_stored_and_served_without_them(people, login):
    leader, smm, _member, community = people
    assert login(leader).post(new_url(community), data=form_data()).status_code == 302
    brief = db.session.execute(select(PromotionRequest)).scalar_one()
    asset = assets.add_asset(leader, brief, "team\r\nphoto\x00.png", b"\x89PNG photo")
    db.session.commit()
    assert asset.filename == "teamphoto.png"
    download = login(smm).get(f"/promotions/{brief.id}/assets/{asset.id}")
    assert download.status_code == 200
    assert "teamphoto.png" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("timezone", "starts_at", "last_day", "refused"),
    [
        # 08:00 on 1 March in Kiritimati is still 28 February in UTC: the event's day is 1 March.
        ("Pacific/Kiritimati", "2031-03-01T08:00", "2031-03-01", False),
        ("Pacific/Kiritimati", "2031-03-01T08:00", "2031-03-02", True),
        # 20:00 on 1 March on Adak is already 2 March in UTC: the event's day is still 1 March.
        ("America/Adak", "2031-03-01T20:00", "2031-03-02", True),
        ("America/Adak", "2031-03-01T20:00", "2031-03-01", False),
    ],
)
def test_publication_ends_by_the_event_day_where_the_event_takes_place(
    people, login, timezone, starts_at, last_day, refused
):
    from events.models import Event
    from tests.test_events_pages import FORM

    leader, _smm, _member, community = people
    client = login(leader)
    event_form = {**FORM, "timezone": timezone, "starts_at": starts_at}
    event_form["ends_at"] = starts_at.replace("T08:", "T10:").replace("T20:", "T22:")
    client.post(f"/communities/{community.slug}/events/new", data=event_form)
    event = db.session.execute(select(Event)).scalar_one()
    window = {"content_deadline": "2031-02-20", "publish_from": "2031-02-25"}
    # Filed and submitted at once, then as a draft edited and submitted.
    response = client.post(
        f"/promotions/new/event/{event.id}", data=form_data(**window, publish_until=last_day)
    )
    message = "Publication must end by the event day (Sat, Mar 1, 2031)."
    assert (response.status_code, message in response.text) == (
        (400, True) if refused else (302, False)
    )
    draft = form_data(**window, publish_until="2031-02-26", submit=None, save="Save draft")
    client.post(f"/promotions/new/event/{event.id}", data=draft)
    drafts = select(PromotionRequest).where(PromotionRequest.status == BriefStatus.DRAFT)
    brief = db.session.execute(drafts).scalar_one()
    response = client.post(
        f"/promotions/{brief.id}/edit", data=form_data(**window, publish_until=last_day)
    )
    assert (response.status_code, message in response.text) == (
        (400, True) if refused else (302, False)
    )


@pytest.mark.parametrize("typed", ["T10:00", "T10:00:30", " 10:00"])
def test_a_planned_post_takes_the_times_the_event_form_takes_to_the_minute(
    people, login, app, typed
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    leader, smm, _member, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    posts = len(brief.posts)
    day = brief.publish_from + timedelta(days=1)
    data = {"channel": str(brief.channels[0].id), "format": "story",
            "scheduled_at": day.isoformat() + typed}  # fmt: skip
    response = login(smm).post(f"/promotions/{brief.id}/posts", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(PromotionRequest, brief.id).posts
    assert len(saved) == posts + 1
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))
    new = max(saved, key=lambda post: post.id)
    assert new.scheduled_at.astimezone(zone).replace(tzinfo=None) == datetime(
        day.year, day.month, day.day, 10, 0
    )
