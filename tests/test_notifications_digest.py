"""Notification e-mail: at once and in the daily digest, sent once, with the settings link
and a List-Unsubscribe header built from SITE_URL."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from community import services as communities
from core.extensions import db
from core.mail import OutgoingEmail
from core.mail_sending import send_queued
from core.models import utcnow
from notifications import digest, services
from notifications.kinds import REQUEST_APPROVED
from notifications.models import Delivery, DigestSent
from tests.test_events_concurrency import run_together

SITE = "https://guildhall.example.com/hub"
SETTINGS = f"{SITE}/notifications/settings"
LINK = services.Link("community.directory")


def on_digest(user) -> None:
    services.set_deliveries(user, {REQUEST_APPROVED.name: Delivery.DAILY_DIGEST.value})
    db.session.commit()


def tell(user, *subjects: str) -> None:
    for subject in subjects:
        services.notify([user], REQUEST_APPROVED.name, subject, LINK)
    db.session.commit()


def digests() -> list[OutgoingEmail]:
    db.session.expire_all()
    query = select(OutgoingEmail).where(OutgoingEmail.kind == "notification.digest")
    return list(db.session.execute(query.order_by(OutgoingEmail.id)).scalars())


# --- the daily digest -------------------------------------------------------------------


def test_the_digest_holds_everything_chosen_for_it_and_goes_once_a_day(world):
    member = world.users["member"]
    on_digest(member)
    tell(member, "QA Guild", "Book Club")
    assert digests() == []  # nothing mailed at once

    assert digest.send_digests() == 1
    assert digest.send_digests() == 0  # the job ran twice
    [mail] = digests()
    assert mail.to_address == "member@example.com"
    assert "You are now a member of QA Guild" in mail.text_body
    assert "You are now a member of Book Club" in mail.text_body

    tell(member, "Later today")
    assert digest.send_digests() == 0  # today's digest went already
    tomorrow = utcnow() + timedelta(days=1)
    assert digest.send_digests(tomorrow) == 1
    later = digests()[-1]
    assert "Later today" in later.text_body and "QA Guild" not in later.text_body


def test_only_people_with_digest_notifications_get_one(world):
    on_digest(world.users["member"])
    tell(world.users["member"], "QA Guild")
    tell(world.users["employee"], "QA Guild")  # in the app by default
    assert digest.send_digests() == 1
    assert [m.to_address for m in digests()] == ["member@example.com"]


def test_the_command_says_how_many_went(world, runner):
    on_digest(world.users["member"])
    tell(world.users["member"], "QA Guild")
    assert "1 digests queued" in runner.invoke(args=["notifications", "send-digest"]).output
    assert "0 digests queued" in runner.invoke(args=["notifications", "send-digest"]).output


def test_two_hosts_sending_the_digest_at_once_send_it_once(app, world):
    people = [world.users[name] for name in ("member", "employee", "leader", "smm")]
    for person in people:
        on_digest(person)
        tell(person, "QA Guild")
    addresses = sorted(p.email for p in people)
    errors = run_together(app, [digest.send_digests, digest.send_digests])
    assert errors == []
    assert sorted(m.to_address for m in digests()) == addresses
    assert len(db.session.execute(select(DigestSent)).all()) == len(addresses)


def test_a_digest_that_fails_leaves_no_trace_and_goes_next_time(world, monkeypatch):
    on_digest(world.users["member"])
    tell(world.users["member"], "QA Guild")

    def broken(*args, **kwargs):
        raise RuntimeError("mail template broke")

    monkeypatch.setattr(digest, "email_digest", broken)
    with pytest.raises(RuntimeError):
        digest.send_digests()
    assert db.session.execute(select(DigestSent)).all() == []
    monkeypatch.undo()
    assert digest.send_digests() == 1


# --- headers and links ------------------------------------------------------------------


def test_every_notification_email_links_the_settings_from_the_sites_address(
    app, world, inbox, monkeypatch
):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    # A join request made in a request to another Host: links still come from SITE_URL.
    with app.test_request_context("/", base_url="http://evil.example"):
        communities.join_community(world.users["employee"], world.approval_community)
        db.session.commit()
    on_digest(world.users["member"])
    tell(world.users["member"], "QA Guild")
    digest.send_digests()
    send_queued()
    assert len(inbox.messages) == 2
    for message in inbox.messages:
        # One kind at once: its one-click link; the digest (many kinds): the settings page.
        one_click = f"<{SITE}/notifications/unsubscribe/"
        wanted = one_click if message["To"] == "leader@example.com" else f"<{SETTINGS}>"
        assert message["List-Unsubscribe"].startswith(wanted)
        body = message.get_body(("plain",)).get_content()
        assert SETTINGS in body and "evil.example" not in body
    at_once = next(m for m in inbox.messages if m["To"] == "leader@example.com")
    assert at_once["Subject"] == "New request to join QA Guild · Emma Employee"
    assert f"{SITE}/communities/{world.approval_community.slug}/members" in str(at_once)


def test_event_email_has_the_same_list_unsubscribe_header(world, inbox):
    from events import registering
    from tests.test_events_factories import make_event

    event = make_event(world.users["leader"], world.community, capacity=3)
    registering.register_for_event(world.users["member"], event.id)
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    assert message["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_notification_email_is_in_the_readers_language(world):
    member = world.users["member"]
    member.locale = "uk"
    services.set_deliveries(member, {REQUEST_APPROVED.name: Delivery.EMAIL_NOW.value})
    tell(member, "QA Guild")
    [mail] = db.session.execute(select(OutgoingEmail)).scalars()
    with force_locale("uk"):
        expected = str(REQUEST_APPROVED.says("QA Guild"))
    assert mail.subject == expected and mail.locale == "uk"
    assert "QA Guild" in mail.subject and "You are now" not in mail.subject


def test_the_digest_is_in_the_readers_language(world):
    member = world.users["member"]
    member.locale = "uk"
    on_digest(member)
    tell(member, "QA Guild")
    digest.send_digests(utcnow().replace(year=2026, month=12, day=6))
    [mail] = digests()
    assert mail.subject.replace("\u202f", " ") == "Ваші сповіщення за нд, 6 груд. 2026 р."
    assert "Тепер ви учасник спільноти QA Guild" in mail.text_body


def test_a_notification_that_commits_after_a_newer_one_still_goes_in_a_digest(world):
    """On PostgreSQL ids are handed out before commit: a lower id can arrive after a digest
    took a higher one. Every row meant for a digest goes in exactly one."""
    from notifications.models import Notification

    member = world.users["member"]
    on_digest(member)
    tell(member, "Late arrival", "Early bird")
    late = db.session.execute(
        select(Notification).where(Notification.subject == "Late arrival")
    ).scalar_one()
    late.delivery = Delivery.IN_APP  # not yet there when today's digest runs
    db.session.commit()
    assert digest.send_digests() == 1
    late.delivery = Delivery.DAILY_DIGEST  # now committed, with the lower id
    db.session.commit()
    assert digest.send_digests(utcnow() + timedelta(days=1)) == 1
    tomorrow = digests()[-1]
    assert "Late arrival" in tomorrow.text_body and "Early bird" not in tomorrow.text_body


def test_runs_either_side_of_midnight_send_each_notification_once(app, world):
    member = world.users["member"]
    on_digest(member)
    tell(member, "QA Guild")
    before = utcnow().replace(hour=23, minute=59)
    after = before + timedelta(minutes=2)
    errors = run_together(
        app, [lambda: digest.send_digests(before), lambda: digest.send_digests(after)]
    )
    assert errors == []
    assert len(digests()) == 1
