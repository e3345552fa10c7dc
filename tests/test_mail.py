"""E-mail: queued with the request, sent once by the worker, in the person's language."""

import logging
import re
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_skeleton
from sqlalchemy import select

import core.mail_sending
from accounts import mail
from accounts.models import User
from core.extensions import db
from core.mail import EmailStatus, OutgoingEmail, queue_email
from core.mail_sending import CLAIM_LEASE, MAX_ATTEMPTS, send_queued
from core.models import utcnow
from tests.conftest import Inbox, make_user

SIGNUP = {"display_name": "Nina", "email": "nina@example.com", "password": "long enough",
          "confirm": "long enough"}  # fmt: skip


def test_sign_up_mail_arrives_once_with_its_headers(client, inbox):
    client.post("/signup", data=SIGNUP)
    assert send_queued() == {"sent": 1, "logged": 0, "failed": 0, "skipped": 0}
    assert send_queued()["sent"] == 0  # the second run finds nothing
    [message] = inbox.messages
    assert message["To"] == "nina@example.com"
    assert message["From"] == "Guildhall <guildhall@example.com>"
    assert message["Subject"] == "Confirm your Guildhall address"
    assert message["Content-Language"] == "en"
    assert message["Message-ID"].endswith("@example.com>")
    assert "http://localhost/signup/confirm/" in message.get_body(("plain",)).get_content()


def test_email_is_written_in_the_persons_language(inbox):
    user = make_user("olha@example.com", "Olha")
    user.locale = "uk"
    mail.email_user(user, "welcome", "welcome")
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    assert message["Content-Language"] == "uk"
    # The one shape of a day, in Ukrainian: "нд, 6 груд. 2026 р."
    day_in_ukrainian = format_skeleton("yMMMEd", user.created_at, locale="uk")
    assert day_in_ukrainian in message.get_body(("plain",)).get_content()


def test_attachments_travel_with_the_message(inbox):
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    queue_email("test", "a@example.com", "Your event", "See the attachment.",
                attachments=[("event.ics", "text/calendar", calendar)])  # fmt: skip
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "event.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_content().encode() if isinstance(attachment.get_content(), str) else True


def test_without_smtp_messages_are_logged_and_kept_for_admins(client, caplog, world, login):
    client.post("/signup", data=SIGNUP)
    with caplog.at_level(logging.INFO, logger="guildhall.mail"):
        assert send_queued()["logged"] == 1
    assert "Confirm your Guildhall address" in caplog.text
    page = login(world.users["admin"]).get("/admin/emails?status=logged").get_data(as_text=True)
    assert "Confirm your Guildhall address" in page


def test_turned_off_kinds_are_not_queued(world, login):
    member = world.users["member"]
    client = login(member)
    assert client.post("/notifications/settings", data={"welcome": "off"}).status_code == 302
    assert mail.email_user(member, "welcome", "welcome") is None
    assert mail.email_user(member, "account", "password_changed", link="x") is not None
    db.session.rollback()
    client.post("/notifications/settings", data={"welcome": "email_now", "account": "off"})
    assert mail.email_user(member, "welcome", "welcome") is not None
    assert mail.email_user(member, "account", "password_changed", link="x") is not None


def test_a_dedupe_key_queues_a_message_once(app):
    assert queue_email("reminder", "a@example.com", "S", "B", dedupe_key="reminder:1:2")
    assert queue_email("reminder", "a@example.com", "S", "B", dedupe_key="reminder:1:2") is None
    db.session.commit()
    assert len(db.session.execute(select(OutgoingEmail)).all()) == 1


def test_a_rolled_back_request_sends_nothing(app):
    queue_email("test", "a@example.com", "S", "B")
    db.session.rollback()
    assert db.session.execute(select(OutgoingEmail)).first() is None


def test_a_message_claimed_by_a_live_worker_is_left_alone_until_its_lease_ends(inbox):
    queued = queue_email("test", "a@example.com", "S", "B")
    queued.status, queued.claimed_at = EmailStatus.SENDING, utcnow()
    db.session.commit()
    assert send_queued()["skipped"] == 1 and inbox.messages == []
    queued.claimed_at = utcnow() - CLAIM_LEASE * 2  # that worker died
    db.session.commit()
    assert send_queued()["sent"] == 1 and len(inbox.messages) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(app, monkeypatch, port: int) -> None:
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 0.5)


def queue_three() -> list[OutgoingEmail]:
    queued = [queue_email("test", f"p{i}@example.com", f"Message {i}", "B") for i in range(3)]
    db.session.commit()
    return queued


def waiting(queued: list[OutgoingEmail]) -> list[tuple[EmailStatus, int]]:
    db.session.expire_all()
    return [(email.status, email.attempts) for email in queued]


NOTHING_DONE = {"sent": 0, "logged": 0, "failed": 0, "skipped": 0}


def test_an_smtp_outage_keeps_the_queue_until_the_server_is_back(app, monkeypatch, caplog):
    port = free_port()  # nothing listens there yet
    use_smtp(app, monkeypatch, port)
    queued = queue_three()
    with caplog.at_level(logging.ERROR, logger="guildhall.mail"):
        for _ in range(MAX_ATTEMPTS + 2):
            assert send_queued() == NOTHING_DONE
    assert waiting(queued) == [(EmailStatus.QUEUED, 0)] * 3
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == MAX_ATTEMPTS + 2  # one line per run, not one per message
    assert "127.0.0.1" in errors[0] and "ConnectionRefusedError" in errors[0]
    server = Inbox()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert send_queued()["sent"] == 3
    finally:
        controller.stop()
    assert waiting(queued) == [(EmailStatus.SENT, 1)] * 3
    assert sorted(message["Subject"] for message in server.messages) == [
        "Message 0", "Message 1", "Message 2"
    ]  # fmt: skip


def test_a_server_that_never_answers_costs_one_short_timeout_per_run(app, monkeypatch):
    with socket.socket() as silent:  # takes connections (the backlog) and never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        use_smtp(app, monkeypatch, silent.getsockname()[1])
        queued = queue_three()
        started = time.perf_counter()
        assert send_queued() == NOTHING_DONE
        assert time.perf_counter() - started < 3  # SMTP_TIMEOUT once, not per message
    assert waiting(queued) == [(EmailStatus.QUEUED, 0)] * 3


@pytest.mark.parametrize(
    "setting, value, error",
    [("SMTP_STARTTLS", True, "STARTTLS"), ("SMTP_USERNAME", "guildhall", "AUTH")],
)
def test_starttls_or_auth_the_server_lacks_stops_the_batch_without_attempts(
    app, inbox, monkeypatch, caplog, setting, value, error
):
    monkeypatch.setitem(app.config, setting, value)
    queued = queue_three()
    with caplog.at_level(logging.ERROR, logger="guildhall.mail"):
        assert send_queued() == NOTHING_DONE
    assert waiting(queued) == [(EmailStatus.QUEUED, 0)] * 3
    assert error in caplog.text and "SMTPNotSupportedError" in caplog.text
    monkeypatch.setitem(app.config, setting, False)  # the setting is put right
    assert send_queued()["sent"] == 3


def test_a_refused_sender_stops_the_batch_without_attempts(inbox, caplog):
    async def refuse_sender(server, session, envelope, address, mail_options):
        return "550 5.7.1 Sender not allowed"

    inbox.handle_MAIL = refuse_sender
    queued = queue_three()
    with caplog.at_level(logging.ERROR, logger="guildhall.mail"):
        for _ in range(MAX_ATTEMPTS + 1):
            assert send_queued() == NOTHING_DONE
    assert waiting(queued) == [(EmailStatus.QUEUED, 0)] * 3
    assert "SMTPSenderRefused" in caplog.text and "Sender not allowed" in queued[0].last_error
    del inbox.handle_MAIL  # the relay lets us send again
    assert send_queued()["sent"] == 3


def test_a_batch_goes_over_one_connection(inbox):
    greetings = []

    async def count_ehlo(server, session, envelope, hostname, responses):
        greetings.append(hostname)
        session.host_name = hostname
        return responses

    inbox.handle_EHLO = count_ehlo
    queue_three()
    assert send_queued()["sent"] == 3
    assert len(greetings) == 1


def test_an_address_that_needs_smtputf8_fails_alone(app, monkeypatch):
    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    try:
        use_smtp(app, monkeypatch, port)
        queue_email("test", "first@example.com", "S", "B")
        poisoned = queue_email("test", "jöhn@example.com", "S", "B")
        queue_email("test", "third@example.com", "S", "B")
        db.session.commit()
        assert send_queued() == {"sent": 2, "logged": 0, "failed": 1, "skipped": 0}
    finally:
        controller.stop()
    db.session.refresh(poisoned)
    assert poisoned.status == EmailStatus.FAILED and "SMTPUTF8" in poisoned.last_error


def test_two_workers_send_each_message_once(app, inbox):
    for i in range(30):
        queue_email("test", f"p{i}@example.com", f"Message {i}", "B")
    db.session.commit()
    db.session.remove()

    def worker():
        with app.app_context():
            send_queued()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    subjects = sorted(message["Subject"] for message in inbox.messages)
    assert subjects == sorted(f"Message {i}" for i in range(30))


def test_the_worker_command_reports_what_it_did(runner):
    queue_email("test", "a@example.com", "S", "B")
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 logged" in result.output


def test_line_separators_in_a_name_or_title_stay_out_of_the_headers(inbox):
    for separator in ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"]:
        queue_email("test", "a@example.com", f"Eve{separator}X", "B")
    db.session.commit()
    assert send_queued()["sent"] == 9
    assert [message["Subject"] for message in inbox.messages] == ["Eve X"] * 9


def test_a_sign_up_with_a_line_separator_in_the_name_is_welcomed(client, inbox):
    client.post("/signup", data=SIGNUP | {"display_name": "Eve\u2028X"})
    assert send_queued()["sent"] == 1  # the confirmation link
    link = re.search(
        r"https?://[^/\s]+(/signup/confirm/\S+)",
        inbox.messages[0].get_body(("plain",)).get_content(),
    )
    client.post(link.group(1))
    assert send_queued()["sent"] == 1
    assert inbox.messages[-1]["Subject"] == "Welcome to Guildhall, Eve X"


def test_a_poisoned_message_fails_alone_and_the_queue_goes_on(inbox):
    async def refuse_gone(server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    inbox.handle_RCPT = refuse_gone
    queue_email("test", "first@example.com", "Password reset", "B")
    poisoned = queue_email("test", "gone@example.com", "Welcome", "B")
    queue_email("test", "third@example.com", "Your event", "B")
    db.session.commit()
    assert send_queued() == {"sent": 2, "logged": 0, "failed": 1, "skipped": 0}
    assert [message["To"] for message in inbox.messages] == [
        "first@example.com", "third@example.com"
    ]  # fmt: skip
    db.session.refresh(poisoned)
    assert poisoned.status == EmailStatus.FAILED and poisoned.attempts == 1
    assert (
        "SMTPRecipientsRefused" in poisoned.last_error and "No such mailbox" in poisoned.last_error
    )
    assert send_queued()["failed"] == 0  # refused for good: not tried again


def test_a_message_that_cannot_be_built_is_marked_failed_with_its_error(inbox, monkeypatch):
    real_build = core.mail_sending.build_message

    def build(email):
        if email.subject == "Broken":
            raise ValueError("a header that cannot be written")
        return real_build(email)

    monkeypatch.setattr(core.mail_sending, "build_message", build)
    queue_email("test", "first@example.com", "Good", "B")
    broken = queue_email("test", "second@example.com", "Broken", "B")
    queue_email("test", "third@example.com", "Good", "B")
    db.session.commit()
    assert send_queued() == {"sent": 2, "logged": 0, "failed": 1, "skipped": 0}
    db.session.refresh(broken)
    assert broken.status == EmailStatus.FAILED
    assert broken.last_error == "ValueError: a header that cannot be written"


def test_a_message_whose_workers_all_died_is_given_up(inbox):
    queued = queue_email("test", "a@example.com", "S", "B")
    queued.status, queued.attempts = EmailStatus.SENDING, MAX_ATTEMPTS
    queued.claimed_at = utcnow() - CLAIM_LEASE * 2
    db.session.commit()
    assert send_queued()["failed"] == 1 and inbox.messages == []
    db.session.refresh(queued)
    assert queued.status == EmailStatus.FAILED and "no outcome" in queued.last_error


def test_the_date_is_in_utc_and_the_calendar_declares_its_charset_and_method(inbox):
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nSUMMARY:Зустріч\r\nEND:VCALENDAR\r\n"
    queue_email("test", "a@example.com", "Your event", "See the attachment.",
                attachments=[("event.ics", "text/calendar", calendar.encode())])  # fmt: skip
    db.session.commit()
    send_queued()
    [message] = inbox.messages
    assert message["Date"].endswith("+0000")  # "-0000" would say "zone unknown"
    assert message["Date"].datetime.utcoffset() == timedelta(0)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("charset") == "utf-8"
    assert attachment.get_param("method") == "PUBLISH"
    assert "SUMMARY:Зустріч" in attachment.get_content()


def test_a_line_break_in_a_name_stays_in_the_subject_and_out_of_the_body(inbox):
    user = make_user("eve@example.com", "Eve\nBcc: x@evil.example")  # stored before the filter
    mail.email_user(user, "welcome", "welcome")
    db.session.commit()
    assert send_queued()["sent"] == 1
    [message] = inbox.messages
    assert message["Subject"] == "Welcome to Guildhall, Eve Bcc: x@evil.example"
    assert message.get_body(("plain",)).get_content().startswith("Hello Eve")


def test_single_line_fields_drop_line_breaks_when_submitted(client):
    client.post("/signup", data=SIGNUP | {"display_name": "Eve\r\nBcc: x@evil.example\u2028Y"})
    user = db.session.execute(select(User)).scalar_one()
    assert user.display_name == "Eve Bcc: x@evil.example Y"


def test_sign_up_refuses_an_address_a_relay_without_smtputf8_cannot_reach(client):
    response = client.post("/signup", data=SIGNUP | {"email": "jöhn@example.com"})
    assert response.status_code == 400
    assert "with Latin letters before the @" in response.get_data(as_text=True)
    assert db.session.execute(select(User)).first() is None
    client.post("/signup", data=SIGNUP | {"email": "john@example.com"})  # the same, in ASCII
    assert db.session.execute(select(User.email)).scalar_one() == "john@example.com"
