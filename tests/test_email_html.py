"""Every e-mail has an HTML part beside its text: read back with the standard library's
parser, as a mail client would, and through a real SMTP server."""

import email
import re
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import g
from flask_babel import get_timezone
from pytz import timezone

from accounts import mail
from core.extensions import db
from core.mail import build_message
from core.mail_sending import send_queued
from tests.test_email_html_factories import HOSTILE, TEMPLATES, every_message
from tests.test_events_factories import make_event, register

SITE = "https://guildhall.example.com/hub"
TEMPLATE_DIR = Path(__file__).parent.parent / "templates" / "email"


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


class Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href"]


def parsed(queued) -> email.message.EmailMessage:
    """The message as a client reads it: bytes through the standard parser."""
    return email.message_from_bytes(build_message(queued).as_bytes(), policy=policy.default)


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_payload()  # in this order: the last is the one preferred
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    return plain.get_content(), html.get_content()


def test_every_message_has_its_text_then_its_html_with_the_people_text_escaped(world, site):
    for template, queued in every_message(world).items():
        message = parsed(queued)
        text, html = parts(message)
        assert message["Subject"].strip() == queued.subject and message["Auto-Submitted"]
        assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html, template
        assert '<meta name="color-scheme" content="light dark">' in html
        assert f"<title>{escaped(queued.subject)}</title>" in html, template
        assert "<script>" not in html and "<b>" not in html, template
        assert "&amp;lt;" not in html and "&amp;amp;" not in html, template  # escaped once
        assert escaped(HOSTILE) in html, template  # the name, escaped, in "Hello …"
        assert HOSTILE in text, template  # the text part is text: nothing to escape
        hrefs = Links(html).hrefs
        assert hrefs and all(
            link.startswith((SITE + "/", "https://meet.example.com/")) for link in hrefs
        ), (template, hrefs)
        assert hrefs[-1] in (f"{SITE}/me", f"{SITE}/notifications/settings"), template


def test_subjects_are_text_and_the_body_starts_after_them(world, site):
    messages = every_message(world)
    for template in ("registration_confirmed", "welcome", "brief_at_risk"):
        queued = messages[template]
        assert HOSTILE in queued.subject and "&lt;" not in queued.subject, template
        assert queued.text_body.startswith("Hello "), template
    _text, html = parts(parsed(messages["registration_confirmed"]))
    assert f"<h1 {H1_STYLE}>You are registered: Retro {escaped(HOSTILE)}</h1>" in html


H1_STYLE = 'style="margin:0 0 16px; font-size:22px; line-height:1.3; font-weight:700;"'


def escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    )


def test_the_main_link_is_a_button_and_the_same_link_is_in_the_text(world, site):
    messages = every_message(world)
    for template, queued in messages.items():
        text, html = parts(parsed(queued))
        button = re.search(r'<a href="([^"]+)" class="gh-button"[^>]*>([^<]+)</a>', html)
        if template == "weekly_digest":  # a section per community, each with its link
            assert button is None
            continue
        assert button, template
        link = button.group(1).replace("&amp;", "&")
        assert link in text, template  # the text part leads to the same page


def test_messages_are_in_the_readers_language(world, site):
    for template, queued in every_message(world, "uk").items():
        message = parsed(queued)
        _text, html = parts(message)
        assert message["Content-Language"] == "uk"
        assert '<html lang="uk">' in html, template
        assert "Вітаємо," in html, template
        assert "Choose which e-mails you get" not in html, template
        assert "Or open this address" not in html, template


def test_event_times_are_in_the_readers_zone_not_the_senders(world, site, app):
    leader = world.users["leader"]
    event = make_event(leader, world.community, title="Retro")
    g._flask_babel.babel_tzinfo = timezone("America/New_York")  # whoever's request this is
    queued = mail.email_user(leader, "events", "event_reminder", event=event)
    assert get_timezone().zone == "America/New_York"  # given back afterwards
    _text, html = parts(parsed(queued))
    assert "(UTC)" in html and "America/New_York" not in html

    leader.time_zone = "Asia/Tokyo"  # the zone a person chooses in their settings
    db.session.commit()
    _text, html = parts(parsed(mail.email_user(leader, "events", "event_reminder", event=event)))
    assert "(Asia/Tokyo)" in html


def test_a_person_s_zone_chosen_in_settings_reaches_their_e_mail(world, site, app, login):
    """Through the settings form, as a person would: the column the form writes is the
    one the e-mail reads (a stale, unknown zone falls back to the site's)."""
    member = world.users["member"]
    client = login(member)
    response = client.post("/me/profile", data={
        "display_name": "Max Member", "time_zone": "America/New_York", "locale": "en",
    })  # fmt: skip
    assert response.status_code == 302
    event = make_event(world.users["leader"], world.community, title="Retro")
    member = db.session.get(type(member), member.id)
    _text, html = parts(parsed(mail.email_user(member, "events", "event_reminder", event=event)))
    assert "(America/New_York)" in html

    member.time_zone = "Mars/Olympus_Mons"  # a zone the tz database no longer knows
    db.session.commit()
    _text, html = parts(parsed(mail.email_user(member, "events", "event_reminder", event=event)))
    assert "(UTC)" in html


def test_the_whole_message_arrives_through_smtp_with_its_calendar(world, inbox, site):
    register(world.users["member"], make_event(world.users["leader"], world.community))
    db.session.commit()
    assert send_queued()["sent"] == 1
    [message] = inbox.messages
    assert message.get_content_type() == "multipart/mixed"
    alternative, calendar = message.get_payload()
    text, html = parts(alternative)
    assert calendar.get_content_type() == "text/calendar"
    assert "Hello Max Member," in text and "Вітаємо" not in text
    assert '<p style="margin:0 0 16px;">Hello Max Member,</p>' in html
    assert html.rstrip().endswith("</html>")
    assert message.get_body(("html",)).get_content() == html
    assert message.get_body(("plain",)).get_content() == text


def test_every_message_arrives_whole_through_smtp(world, inbox, site):
    queued = every_message(world)
    expected = {q.message_id: (q.text_body, q.html_body) for q in queued.values()}
    assert send_queued()["sent"] == len(TEMPLATES)
    for message in inbox.messages:
        text, html = parts(message)
        if message["Message-ID"] in expected:  # lines end in CRLF on the wire
            arrived = (text.replace("\r\n", "\n"), html.replace("\r\n", "\n"))
            assert tuple(part.strip() for part in arrived) == tuple(
                part.strip() for part in expected[message["Message-ID"]]
            )
    assert {m["Message-ID"] for m in inbox.messages} >= set(expected)
    assert all(message_id.count(">") == 1 for message_id in expected)  # not "example.com>>"
    notification = next(m for m in inbox.messages if "You are now a member" in m["Subject"])
    assert notification["List-Unsubscribe"].startswith(f"<{SITE}/notifications/unsubscribe/")
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_every_html_message_extends_the_one_base_template():
    messages = {path.stem for path in TEMPLATE_DIR.glob("*.html")} - {"base", "_event_details"}
    assert messages == set(TEMPLATES) == {path.stem for path in TEMPLATE_DIR.glob("*.txt")}
    for name in messages:
        source = (TEMPLATE_DIR / f"{name}.html").read_text()
        assert source.startswith('{% extends "email/base.html" %}'), name
        assert "<html" not in source and "<style" not in source, name
