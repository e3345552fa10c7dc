"""The brief's state machine: every pair of statuses, enforced by the service."""

from itertools import product

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.signals import brief_changed
from notifications import services as notifications
from notifications.kinds import BRIEF_UPDATE
from notifications.models import Notification
from promotions import services
from promotions.models import BriefStatus, PlannedPost, PostFormat
from promotions.workflow import COMMUNITY, SMM, TRANSITIONS, is_allowed, transition_for
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import brief_in, draft_brief, plan_post

ALLOWED_PAIRS = {
    ("draft", "submitted"),
    ("changes_requested", "submitted"),
    ("submitted", "accepted"),
    ("submitted", "changes_requested"),
    ("submitted", "declined"),
    ("accepted", "scheduled"),
    ("scheduled", "accepted"),
    ("scheduled", "running"),
    ("running", "reported"),
    ("reported", "closed"),
}
PAIRS = list(product(BriefStatus, BriefStatus))


@pytest.fixture
def people(app):
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    return leader, smm, make_community(leader)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=lambda s: s.value)
def test_state_machine_allows_exactly_the_designed_pairs(source, target):
    assert is_allowed(source, target) == ((source.value, target.value) in ALLOWED_PAIRS)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=lambda s: s.value)
def test_service_moves_a_brief_only_along_allowed_pairs(people, source, target):
    leader, smm, community = people
    brief = draft_brief(leader, community)
    # Put the brief in `source` directly: this test is about the step out of it.
    brief.status = source
    if target == BriefStatus.SCHEDULED:
        brief.posts.append(
            PlannedPost(channel=brief.channels[0], format=PostFormat.STORY,
                        scheduled_at=services.utcnow())
        )  # fmt: skip
    db.session.commit()
    step = transition_for(source, target)
    if step is None:
        for actor in (leader, smm):
            with pytest.raises(DomainError):
                services.transition(actor, brief, target, "Because.")
        assert brief.status == source
    else:
        actor = smm if step.side == SMM else leader
        services.transition(actor, brief, target, "Because.")
        assert brief.status == target


@pytest.mark.parametrize("step", TRANSITIONS, ids=lambda t: f"{t.source}-{t.target}")
def test_the_other_side_cannot_take_a_transition(people, step):
    leader, smm, community = people
    brief = draft_brief(leader, community)
    brief.status = step.source
    db.session.commit()
    wrong_side = leader if step.side == SMM else smm
    with pytest.raises(DomainError):
        services.transition(wrong_side, brief, step.target, "Because.")
    assert brief.status == step.source


def test_decline_and_request_changes_need_a_reason(people):
    leader, smm, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    for target in (BriefStatus.DECLINED, BriefStatus.CHANGES_REQUESTED):
        with pytest.raises(DomainError, match="Say why"):
            services.transition(smm, brief, target, "  ")
    assert brief.status == BriefStatus.SUBMITTED


def test_an_incomplete_draft_cannot_be_submitted(people):
    leader, _smm, community = people
    brief = draft_brief(leader, community, key_message="", channels=[])
    with pytest.raises(DomainError, match="one thing people should remember"):
        services.submit(leader, brief)
    assert brief.status == BriefStatus.DRAFT


def test_accepting_assigns_the_brief_to_the_smm_person(people):
    leader, smm, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    assert brief.assignee == smm


def test_first_planned_post_schedules_the_brief(people):
    leader, smm, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    plan_post(smm, brief)
    assert brief.status == BriefStatus.SCHEDULED
    plan_post(smm, brief, days=7)
    assert brief.status == BriefStatus.SCHEDULED and len(brief.posts) == 2


def test_posts_cannot_be_planned_before_acceptance(people):
    leader, smm, community = people
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, community)
    with pytest.raises(DomainError):
        plan_post(smm, brief)


@pytest.fixture
def brief_news(app):
    """What promotions told notifications: (event, actor id, recipient ids) per signal."""
    sent = []

    def record(brief, actor, event, recipients, note=""):
        sent.append((event, getattr(actor, "id", None), sorted(p.id for p in recipients)))

    brief_changed.connect(record)
    yield sent
    brief_changed.disconnect(record)


def brief_notes_to(person) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.recipient_id == person.id, Notification.kind == BRIEF_UPDATE.name)
            .order_by(Notification.id)
        ).scalars()
    )


def test_every_transition_is_audited_and_notifies_the_other_side(people, brief_news):
    leader, smm, community = people
    brief = brief_in(BriefStatus.CHANGES_REQUESTED, leader, smm, community)
    entries = db.session.execute(
        select(AuditEntry.detail)
        .where(AuditEntry.action == "brief.status", AuditEntry.subject_id == brief.id)
        .order_by(AuditEntry.id)
    ).scalars()
    assert list(entries) == ["draft → submitted", "submitted → changes_requested: Add a photo."]
    assert brief_news == [
        ("submitted", leader.id, [smm.id]),
        ("changes_requested", smm.id, [leader.id]),
    ]
    [to_leader] = brief_notes_to(leader)
    [to_smm] = brief_notes_to(smm)
    assert to_smm.subject == brief.title
    assert to_leader.subject == f"{brief.title} — Add a photo."  # the reason
    assert to_leader.url_args == {"brief_id": brief.id}
    assert notifications.unread_count(leader) == 1
    notifications.mark_all_read(leader)
    assert notifications.unread_count(leader) == 0
    assert brief.comments[-1].body == "Add a photo."


def test_a_comment_notifies_the_other_side_only(people, brief_news):
    leader, smm, community = people
    brief = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    before = db.session.execute(select(Notification.id)).all()
    brief_news.clear()
    services.add_comment(leader, brief, "Can we add a reel?")
    db.session.commit()
    assert brief_news == [("comment", leader.id, [smm.id])]
    new = brief_notes_to(smm)[-1]
    assert new.kind == BRIEF_UPDATE.name and new.url_args == {"brief_id": brief.id}
    assert len(db.session.execute(select(Notification.id)).all()) == len(before) + 1


def test_the_whole_happy_path_ends_closed(people):
    leader, smm, community = people
    brief = brief_in(BriefStatus.CLOSED, leader, smm, community)
    assert brief.status == BriefStatus.CLOSED and "44 leads" in brief.report
    assert {COMMUNITY, SMM} == {t.side for t in TRANSITIONS}
