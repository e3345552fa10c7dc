"""The e-mail people get from events and briefs, end to end through a real SMTP server."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from community import services as communities
from core.extensions import db
from core.mail_sending import send_queued
from core.models import utcnow
from events import registering
from events.mail import send_reminders
from notifications.kinds import BRIEF_AT_RISK
from notifications.models import Notification
from promotions import services as promotions
from promotions.models import BriefStatus
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in


def test_registration_confirmation_carries_the_calendar_file(world, inbox):
    event = make_event(world.users["leader"], world.community, capacity=1)
    registering.register_for_event(world.users["member"], event.id)
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    assert message["To"] == "member@example.com"
    assert message["Subject"] == f"You are registered: {event.title}"
    [attachment] = list(message.iter_attachments())
    calendar = Calendar.from_ical(attachment.get_content())
    [entry] = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"event-{event.id}@guildhall"
    assert calendar["METHOD"] == "PUBLISH"  # RFC 6047: the file and its part say it alike
    assert attachment.get_param("method") == "PUBLISH"


def test_the_calendar_file_is_built_once_per_version_of_the_event(world, inbox, monkeypatch):
    from events import mail as event_mail

    built = []
    real = event_mail.calendar_for
    monkeypatch.setattr(event_mail, "calendar_for", lambda evs: built.append(1) or real(evs))
    event = make_event(world.users["leader"], world.community, capacity=5)
    for person in ("member", "employee"):
        registering.register_for_event(world.users[person], event.id)
        db.session.commit()  # one sign-up a transaction, as in a request
    assert len(built) == 1  # the second confirmation reused the first one's file
    event.title = "Retro night moved"
    db.session.commit()
    registering.register_for_event(world.users["smm"], event.id)
    db.session.commit()
    assert len(built) == 2
    send_queued()
    files = [a.get_content() for m in inbox.messages for a in m.iter_attachments()]
    assert ["Retro night moved" in str(f) for f in files] == [False, False, True]


def test_waitlist_then_a_freed_seat_are_both_told(world, inbox):
    event = make_event(world.users["leader"], world.community, capacity=1)
    first, second = world.users["member"], world.users["employee"]
    communities.join_community(second, world.community)
    db.session.commit()
    for person in (first, second):
        registering.register_for_event(person, event.id)
        db.session.commit()  # one sign-up a transaction, as in a request
    registering.cancel_registration(first, event.id)
    db.session.commit()
    send_queued()
    to_second = [m for m in inbox.messages if m["To"] == "employee@example.com"]
    assert [m["Subject"] for m in to_second] == [
        f"You are on the waitlist: {event.title}",
        f"A seat is yours: {event.title}",
    ]
    [calendar_file] = list(to_second[1].iter_attachments())
    assert calendar_file.get_param("method") == "PUBLISH"
    assert "METHOD:PUBLISH" in calendar_file.get_content()


def test_reminders_go_once_to_confirmed_people_within_the_lead_time(world, inbox, app):
    now = utcnow()
    leader, community = world.users["leader"], world.community
    in_5_hours, in_3_days = now + timedelta(hours=5), now + timedelta(days=3)
    soon = make_event(
        leader, community, starts_at=in_5_hours, ends_at=in_5_hours + timedelta(hours=2)
    )
    later = make_event(
        leader, community, starts_at=in_3_days, ends_at=in_3_days + timedelta(hours=2)
    )
    for event in (soon, later):
        registering.register_for_event(world.users["member"], event.id)
        db.session.commit()  # one sign-up a transaction, as in a request
    send_queued()
    inbox.messages.clear()
    assert send_reminders(now) == 1
    assert send_reminders(now) == 0  # the cron job runs again: nothing new
    db.session.commit()
    send_queued()
    assert [m["Subject"] for m in inbox.messages] == [f"Reminder: {soon.title}"]


def test_people_who_turned_event_mail_off_get_none(world, inbox, login):
    client = login(world.users["member"])
    assert client.post("/notifications/settings", data={"events": "off"}).status_code == 302
    event = make_event(world.users["leader"], world.community)
    registering.register_for_event(world.users["member"], event.id)
    db.session.commit()
    send_queued()
    assert inbox.messages == []


def test_brief_status_changes_reach_the_other_side_by_email(world, inbox):
    leader, smm = world.users["leader"], world.users["smm"]
    brief = brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    db.session.commit()
    send_queued()
    inbox.messages.clear()
    promotions.transition(smm, brief, BriefStatus.CHANGES_REQUESTED, reason="Add the target date")
    db.session.commit()
    send_queued()
    [message] = [m for m in inbox.messages if m["To"] == "leader@example.com"]
    assert message["Subject"].startswith("A promotion brief changed")
    assert "Add the target date" in message.get_body(("plain",)).get_content()
    assert f"/promotions/{brief.id}" in message.get_body(("plain",)).get_content()


def test_ukrainian_readers_get_ukrainian_event_mail(world, inbox):
    member = world.users["member"]
    member.locale = "uk"
    event = make_event(world.users["leader"], world.community)
    registering.register_for_event(member, event.id)
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    assert message["Content-Language"] == "uk"
    assert event.title in message["Subject"] and "registered" not in message["Subject"]


def test_the_reminder_command_reports_what_it_queued(runner):
    result = runner.invoke(args=["events", "remind"])
    assert result.exit_code == 0 and "0 reminders queued." in result.output


def test_at_risk_alerts_arrive_once_in_each_readers_language(world, inbox, runner):
    leader, smm = world.users["leader"], world.users["smm"]
    leader.locale = "uk"
    brief = brief_in(BriefStatus.RUNNING, leader, smm, world.community)
    today = utcnow().date()
    brief.publish_from, brief.publish_until = today - timedelta(days=8), today + timedelta(days=2)
    db.session.commit()
    send_queued()
    inbox.messages.clear()
    for _cron_run in range(2):
        assert runner.invoke(args=["promotions", "check-at-risk"]).exit_code == 0
        send_queued()
    by_reader = {m["To"]: m for m in inbox.messages}
    assert len(inbox.messages) == 2 and set(by_reader) == {leader.email, smm.email}
    assert by_reader[smm.email]["Subject"].endswith("is behind its target")
    assert by_reader[leader.email]["Content-Language"] == "uk"
    assert "відстає від цілі" in by_reader[leader.email]["Subject"]
    assert (
        f"/promotions/{brief.id}/outcome"
        in by_reader[leader.email].get_body(("plain",)).get_content()
    )


def test_every_leader_and_the_smm_assignee_hear_a_brief_fell_behind(world, inbox, runner):
    """Not only whoever filed it: every community manager, and SMM's assignee."""
    leader, smm, member = world.users["leader"], world.users["smm"], world.users["member"]
    brief = brief_in(BriefStatus.RUNNING, leader, smm, world.community)
    [membership] = [m for m in communities.memberships_of(member)]
    communities.set_member_role(leader, membership, "leader")
    today = utcnow().date()
    brief.publish_from, brief.publish_until = today - timedelta(days=8), today + timedelta(days=2)
    db.session.commit()
    send_queued()
    inbox.messages.clear()
    assert runner.invoke(args=["promotions", "check-at-risk"]).exit_code == 0
    send_queued()
    everyone = sorted([leader.email, member.email, smm.email])
    assert sorted(m["To"] for m in inbox.messages) == everyone
    notified = db.session.execute(
        select(Notification.recipient_id).where(Notification.kind == BRIEF_AT_RISK.name)
    ).scalars()
    assert sorted(notified) == sorted([leader.id, member.id, smm.id])


def test_people_who_turned_at_risk_mail_off_get_the_notification_only(world, inbox, login, runner):
    leader, smm = world.users["leader"], world.users["smm"]
    assert login(leader).post("/notifications/settings", data={"at_risk": "off"}).status_code == 302
    brief = brief_in(BriefStatus.RUNNING, leader, smm, world.community)
    today = utcnow().date()
    brief.publish_from, brief.publish_until = today - timedelta(days=8), today + timedelta(days=2)
    db.session.commit()
    send_queued()
    inbox.messages.clear()
    assert runner.invoke(args=["promotions", "check-at-risk"]).exit_code == 0
    send_queued()
    assert [m["To"] for m in inbox.messages] == [smm.email]
    notified = db.session.execute(
        select(Notification.recipient_id).where(Notification.kind == BRIEF_AT_RISK.name)
    ).scalars()
    assert sorted(notified) == sorted([leader.id, smm.id])  # the bell still rings
