"""One set of e-mail choices: every e-mail a person gets links the one settings page and,
unless it is about their account's security, has a List-Unsubscribe header (a one-click
link for one kind, RFC 8058);
the features' own e-mail (events, welcome, at-risk warnings, the weekly digest) is
chosen there, beside the notifications."""

import re

import pytest

from accounts import mail
from core.extensions import db
from core.mail import build_message
from notifications import services
from notifications.models import Delivery
from tests.test_email_html_factories import every_message

SITE = "https://guildhall.example.com/hub"
SETTINGS = f"{SITE}/notifications/settings"
SECURITY = {
    "account_exists", "email_confirmation", "password_changed", "password_reset",
    "session_ended", "signed_out_everywhere",
}  # fmt: skip


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


def test_every_email_links_the_settings_and_only_security_mail_has_no_unsubscribe(app, world, site):
    # Queued inside a request to another Host: the links still come from SITE_URL.
    with app.test_request_context("/", base_url="http://evil.example"):
        messages = every_message(world)
    for template, queued in messages.items():
        message = build_message(queued)
        header, post = message["List-Unsubscribe"], message["List-Unsubscribe-Post"]
        if template in SECURITY:
            assert header is None and post is None, template
        elif template == "notification_digest":  # many kinds at once: the settings page
            assert header == f"<{SETTINGS}>" and post is None, template
        else:  # one kind: its one-click link (RFC 8058), at the site's own address
            assert header.startswith(f"<{SITE}/notifications/unsubscribe/"), template
            assert post == "List-Unsubscribe=One-Click", template
        assert SETTINGS in queued.text_body and "evil.example" not in queued.text_body, template
        assert f'href="{SETTINGS}"' in queued.html_body, template


def test_the_settings_page_offers_the_features_email_beside_the_notifications(world, login):
    page = login(world.users["member"]).get("/notifications/settings").get_data(as_text=True)
    other = page[page.index('id="other-email"') :]
    for name in ("welcome", "events"):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', other, re.S).group(0)
        options = re.findall(r">([^<]+)</option>", select)
        assert options == ["By e-mail", "Off"], name
    assert "My event registrations and reminders" in other
    assert 'name="account"' not in page and "always come" in other
    # Who may receive a kind sees it: the weekly digest is for leaders, warnings for SMM too.
    assert 'name="digest"' not in page and 'name="at_risk"' not in page
    leader = login(world.users["leader"]).get("/notifications/settings").get_data(as_text=True)
    assert 'name="digest"' in leader and 'name="at_risk"' in leader
    assert 'name="at_risk"' in login(world.users["smm"]).get("/notifications/settings").text


def test_turning_event_mail_off_on_the_settings_page_stops_it(world, login):
    member = world.users["member"]
    response = login(member).post("/notifications/settings", data={"events": "off"})
    assert response.status_code == 302
    assert services.deliveries_of(member)["events"] == Delivery.OFF
    assert not mail.email_user(member, "events", "welcome")  # any template: nothing queued
    login(member).post("/notifications/settings", data={"events": "email_now"})
    assert mail.email_user(member, "welcome", "welcome") is not None
    db.session.rollback()


@pytest.mark.parametrize("delivery", ["in_app", "daily_digest", "carrier-pigeon"])
def test_email_only_kinds_refuse_the_ways_they_cannot_come(world, login, delivery):
    member = world.users["member"]
    response = login(member).post("/notifications/settings", data={"events": delivery})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    field = re.search(r'<select[^>]*name="events".*?</div>', page, re.S).group(0)
    assert "is-invalid" in field and "Choose one of the ways offered." in field
    assert services.deliveries_of(member)["events"] == Delivery.EMAIL_NOW


def test_the_service_refuses_them_too_and_notify_refuses_an_email_only_kind(world):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        services.set_deliveries(world.users["member"], {"events": "daily_digest"})
    db.session.rollback()
    with pytest.raises(KeyError):
        services.notify([world.users["member"]], "events", "x", services.Link("core.index"))


def test_the_profile_keeps_no_second_set_of_email_switches(world, login):
    client = login(world.users["member"])
    page = client.get("/me").get_data(as_text=True)
    assert 'name="kinds"' not in page and 'href="/notifications/settings"' in page
    assert client.post("/me/email", data={"kinds": []}).status_code == 404


# --- one-click unsubscribe (RFC 8058) ---------------------------------------------------


def _one_click(queued) -> str:
    message = build_message(queued)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return message["List-Unsubscribe"].strip("<>")


def test_optional_email_carries_a_one_click_link_that_a_post_alone_turns_off(
    app, world, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the route needs no token
    member = world.users["member"]
    queued = mail.email_user(member, "welcome", "welcome")
    db.session.commit()
    link = _one_click(queued)
    assert link.startswith("http://localhost/notifications/unsubscribe/")
    path = link.removeprefix("http://localhost")
    client = app.test_client()  # a mail client: no session, no cookie
    page = client.get(path)  # fetching the link (a preview, a scanner) changes nothing
    assert page.status_code == 200 and "Welcome messages" in page.text
    assert services.deliveries_of(member)["welcome"] == Delivery.EMAIL_NOW
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no more of these" in response.text
    db.session.expire_all()
    assert services.deliveries_of(member)["welcome"] == Delivery.OFF
    assert services.deliveries_of(member)["events"] == Delivery.EMAIL_NOW  # only that kind
    assert client.post(path).status_code == 200  # twice is harmless
    # Every other POST still needs its CSRF token.
    assert login_post_without_token(app, member) == 400


def login_post_without_token(app, member) -> int:
    return app.test_client(user=member).post("/notifications/settings", data={}).status_code


def test_a_notification_email_unsubscribes_from_its_own_kind(world):
    from notifications.kinds import REQUEST_APPROVED

    member = world.users["member"]
    services.set_deliveries(member, {REQUEST_APPROVED.name: "email_now"})
    services.notify([member], REQUEST_APPROVED.name, "QA", services.Link("core.index"))
    db.session.commit()
    from core.mail import OutgoingEmail

    queued = db.session.execute(db.select(OutgoingEmail)).scalars().one()
    from notifications.unsubscribe import read_token

    user_id, kind = read_token(_one_click(queued).rpartition("/")[2])
    assert (user_id, kind.name) == (member.id, REQUEST_APPROVED.name)


@pytest.mark.parametrize(
    "token",
    ["x", "a" * 200, "WzEsICJldmVudHMiXQ.bad-signature", "W3RydWUsImV2ZW50cyJd"],
)
def test_a_forged_or_broken_link_is_not_found(app, world, token):
    client = app.test_client()
    assert client.get(f"/notifications/unsubscribe/{token}").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404


def test_a_link_longer_than_any_the_site_signs_matches_no_route(app):
    assert app.test_client().post("/notifications/unsubscribe/" + "a" * 201).status_code == 404


def test_a_signed_link_for_an_unknown_kind_or_a_non_person_is_not_found(app, world):
    from notifications.unsubscribe import _serializer

    client = app.test_client()
    for payload in ([world.users["member"].id, "account"], [True, "events"], ["1", "events"]):
        token = _serializer().dumps(payload)
        assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404, payload
    for user_id in (2_000_000_000, 10**30, 0, -1):  # no one's, or beyond any id column
        gone = _serializer().dumps([user_id, "events"])
        assert client.post(f"/notifications/unsubscribe/{gone}").status_code == 404, user_id
