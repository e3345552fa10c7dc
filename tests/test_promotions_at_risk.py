"""Briefs falling behind: the cron check records and warns; pages only show it; the backup plan."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import utcnow
from notifications.kinds import BRIEF_AT_RISK
from notifications.models import Notification
from promotions import (
    at_risk,
    outcomes,
)
from promotions.models import (
    BriefStatus,
    PromotionRequest,
)
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in, event_brief, promo_world, running_brief


@pytest.fixture
def promo(app):
    return promo_world()


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
    notes = list(
        db.session.execute(
            select(Notification).where(Notification.kind == BRIEF_AT_RISK.name)
        ).scalars()
    )
    assert sorted(n.recipient_id for n in notes) == sorted([leader.id, smm.id])
    assert {n.url_args["brief_id"] for n in notes} == {brief.id}
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
    assert "Behind its target" in client.get("/notifications").get_data(as_text=True)


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
        client.get(f"/promotions/{brief.id}/outcome")  # warm the kept figures
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
    # Besides what each warning asks (the readers' e-mail settings and delivery choices, the
    # duplicate check), the reads are the same few for any number of briefs: briefs,
    # assignees, figures, leaders.
    per_warning = ("outgoing_emails", "notification_delivery_choices")
    shared = [s for s in reads if not any(table in s for table in per_warning)]
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


def test_only_a_brief_being_published_can_fall_behind(promo):
    """The same figures put a running brief at risk, but not one SMM has only accepted."""
    leader, smm, _visitor, community, _event = promo
    running = behind_brief(promo)
    accepted = brief_in(BriefStatus.ACCEPTED, leader, smm, community)
    accepted.objective, accepted.target = running.objective, running.target
    accepted.publish_from, accepted.publish_until = running.publish_from, running.publish_until
    db.session.commit()
    lines = outcomes.outcome_lines([running, accepted])
    assert lines[running.id].actual == lines[accepted.id].actual == 0
    assert lines[running.id].state == outcomes.AT_RISK
    assert lines[accepted.id].state == outcomes.ON_TRACK
    assert at_risk.check_at_risk() == (1, 1)  # the accepted brief is not even watched
