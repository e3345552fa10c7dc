"""A person's settings: name, job title, team, time zone, language and avatar, each checked
on the server with its message beside the field; the browser's zone kept once."""

import re
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from accounts import mail
from accounts.models import User
from core.audit import AuditEntry
from core.extensions import db
from notifications import services
from notifications.kinds import REQUEST_APPROVED
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_image_bombs import png_bomb
from tests.test_initiatives_support import image_file, uploads_fixture  # noqa: F401


@pytest.fixture
def person(app):
    return make_user("olena@example.com", "Olena Kovalenko")


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


PROFILE = {
    "display_name": "Olena K.",
    "job_title": "QA lead",
    "team": "Payments",
    "time_zone": "America/New_York",
    "locale": "uk",
}


def test_the_settings_page_has_the_profile_fields(login, person):
    page = login(person).get("/me").get_data(as_text=True)
    for label in ("Job title", "Team", "Time zone", "Avatar", "Language"):
        assert f">{label}</label>" in page
    assert '<option value="Europe/Kyiv">Europe/Kyiv</option>' in page


def test_saving_the_profile_keeps_every_field(login, person):
    response = login(person).post("/me/profile", data=PROFILE)
    assert response.status_code == 302
    saved = fresh(person)
    assert (saved.display_name, saved.job_title, saved.team) == ("Olena K.", "QA lead", "Payments")
    assert (saved.time_zone, saved.locale) == ("America/New_York", "uk")


def test_empty_optional_fields_are_cleared(login, person):
    client = login(person)
    client.post("/me/profile", data=PROFILE)
    client.post("/me/profile", data={**PROFILE, "job_title": " ", "time_zone": "", "locale": ""})
    saved = fresh(person)
    assert (saved.job_title, saved.time_zone, saved.locale) == (None, None, None)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("time_zone", "x" * 5000, "Choose a time zone from the list."),
        ("locale", "fr", "Choose a language from the list."),
        ("display_name", "", "Enter the name colleagues know you by."),
        ("job_title", "x" * 121, "120"),
        ("team", "x" * 121, "120"),
    ],
)
def test_bad_profile_input_is_shown_beside_its_field(login, person, field, value, message):
    response = login(person).post("/me/profile", data={**PROFILE, field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    after_field = page.split(f'id="{field}"', 1)[1]
    assert message in after_field.split("</div>", 2)[0] + after_field.split("</div>", 2)[1]
    assert fresh(person).display_name == "Olena Kovalenko"


def upload(client, data, name="me.png"):
    body, length, boundary = stream_encode_multipart(
        {"avatar": FileStorage(BytesIO(data), name)}, use_tempfile=False
    )
    return client.post(
        "/me/avatar",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def png(size=(300, 200)) -> bytes:
    return image_file("PNG", size).getvalue()


def test_an_avatar_is_stored_re_encoded_and_shown(login, person, uploads):
    client = login(person)
    assert upload(client, png()).status_code == 302
    saved = fresh(person)
    assert saved.avatar_file.endswith(".png")
    assert len(list((uploads / "avatars").iterdir())) == 2  # the avatar and its thumbnail
    viewer = login(make_user("viewer@example.com"))
    shown = viewer.get(f"/people/{person.id}/avatar?size=thumb")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    # For signed-in colleagues only: a browser may keep it, a shared cache (a proxy, a
    # CDN) may not hand it to someone signed out.
    assert shown.cache_control.private and not shown.cache_control.public
    assert f"/people/{person.id}/avatar" in viewer.get(f"/people/{person.id}").get_data(True)


def avatar_src(page: str) -> str:
    return re.search(r'<img class="avatar[^>]* src="([^"]+)"', page).group(1)


def test_a_new_avatar_replaces_the_old_files_and_remove_deletes_them(login, person, uploads):
    client = login(person)
    viewer = login(make_user("viewer@example.com"))
    upload(client, png())
    before = avatar_src(viewer.get(f"/people/{person.id}").get_data(True))
    upload(client, png((100, 100)))
    assert len(list((uploads / "avatars").iterdir())) == 2
    # Browsers keep an avatar an hour: the new one has an address of its own.
    after = avatar_src(viewer.get(f"/people/{person.id}").get_data(True))
    assert after != before and viewer.get(after.replace("&amp;", "&")).status_code == 200
    assert client.post("/me/avatar/remove").status_code == 302
    assert fresh(person).avatar_file is None
    assert list((uploads / "avatars").iterdir()) == []
    assert client.get(f"/people/{person.id}/avatar").status_code == 404


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"<?php echo 1; ?>", "me.png", "not an image we can read"),
        (b"MZ\x90\x00", "me.exe", "Upload a JPEG, PNG or WebP image."),
        (image_file("GIF").getvalue(), "me.png", "Upload a JPEG, PNG or WebP image."),
        (png_bomb(20_000, 20_000), "me.png", "too large"),
        (png_bomb(1, 39_000_000), "me.png", "too large"),
        (b"\x89PNG" + b"0" * 3 * 1024 * 1024, "big.png", "larger than 2 MB"),
    ],
    ids=["php", "exe", "gif", "bomb", "thin-bomb", "huge"],
)
def test_bad_avatars_are_refused_beside_the_field(login, person, uploads, data, name, message):
    response = upload(login(person), data, name)
    assert response.status_code in (400, 413)
    if response.status_code == 400:
        after = response.get_data(as_text=True).split('id="avatar"', 1)[1]
        assert message in after.split("invalid-feedback", 1)[1].split("</div>", 1)[0]
    assert fresh(person).avatar_file is None
    assert not (uploads / "avatars").exists() or not any((uploads / "avatars").iterdir())


def test_an_admin_hides_an_avatar_and_the_log_says_who(login, person, uploads):
    upload(login(person), png())
    admin = make_user("admin@example.com", "Ada Admin", is_admin=True)
    viewer = login(make_user("viewer@example.com"))
    response = login(admin).post(f"/admin/users/{person.id}/avatar", data={"hidden": "1"})
    assert response.status_code == 302
    assert viewer.get(f"/people/{person.id}/avatar").status_code == 404
    page = viewer.get(f"/people/{person.id}").get_data(as_text=True)
    assert f"/people/{person.id}/avatar" not in page and ">OK</span>" in page  # initials
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.actor_id, entry.action, entry.subject_id) == (
        admin.id, "profile.avatar_hide", person.id
    )  # fmt: skip
    assert "An admin hid your avatar" in login(person).get("/me").get_data(as_text=True)
    login(admin).post(f"/admin/users/{person.id}/avatar", data={"hidden": "0"})
    assert viewer.get(f"/people/{person.id}/avatar").status_code == 200


def test_only_an_admin_may_hide_an_avatar(login, person):
    other = login(make_user("viewer@example.com"))
    assert other.post(f"/admin/users/{person.id}/avatar").status_code == 403
    assert fresh(person).avatar_hidden is False


def test_the_browser_zone_is_kept_once_and_checked(login, person):
    client = login(person)
    page = client.get("/me").get_data(as_text=True)
    assert "js/time-zone.js" in page and "<script>" not in page
    assert client.post("/me/time-zone", data={"time_zone": "Not/AZone"}).status_code == 400
    assert fresh(person).time_zone is None
    assert client.post("/me/time-zone", data={"time_zone": "Europe/Kyiv"}).status_code == 204
    assert client.post("/me/time-zone", data={"time_zone": "Asia/Tokyo"}).status_code == 204
    assert fresh(person).time_zone == "Europe/Kyiv"  # the first report only
    assert "js/time-zone.js" not in client.get("/me").get_data(as_text=True)


def test_a_zone_under_its_old_name_is_kept_and_shown_under_its_current_one(login, person):
    """Browsers still report Kyiv as "Europe/Kiev"; people there read its name as it is
    written now, also when the old one was saved before."""
    client = login(person)
    assert client.post("/me/time-zone", data={"time_zone": "Europe/Kiev"}).status_code == 204
    assert fresh(person).time_zone == "Europe/Kyiv"
    fresh(person).time_zone = "Europe/Kiev"
    db.session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert '<option selected value="Europe/Kyiv">' in page
    assert (
        client.post("/me/profile", data={**PROFILE, "time_zone": "Europe/Kiev"}).status_code == 302
    )
    assert fresh(person).time_zone == "Europe/Kyiv"


def test_the_zone_list_offers_each_zone_once_by_its_current_name(login, person):
    page = login(person).get("/me").get_data(as_text=True)
    for current in ("Europe/Kyiv", "Asia/Kolkata", "America/New_York", "UTC"):
        assert f'value="{current}"' in page
    for old in ("Europe/Kiev", "Europe/Uzhgorod", "Asia/Calcutta", "US/Eastern", "Etc/GMT+3"):
        assert f'value="{old}"' not in page
    assert len(re.findall(r'<option [^>]*value="[A-Z][^"]*"', page)) < 400


@pytest.mark.parametrize("zone", ["localtime", "Factory"])
def test_a_zone_the_site_cannot_show_is_refused_and_never_breaks_a_page(login, person, zone):
    """The tz database names "localtime" (the server's own clock) and "Factory", which the
    dates on every page (pytz) cannot read: the browser's report is refused, and one
    kept from before falls back to the site's zone, on pages and in e-mail."""
    client = login(person)
    assert client.post("/me/time-zone", data={"time_zone": zone}).status_code == 400
    assert fresh(person).time_zone is None
    saved = fresh(person)
    saved.time_zone = zone
    db.session.commit()
    services.notify([saved], REQUEST_APPROVED.name, "QA Guild", services.Link("core.index"))
    leader = make_user("lena@example.com")
    event = make_event(leader, make_community(leader), title="Retro")
    db.session.commit()
    assert client.get("/notifications").status_code == 200  # each one's date is shown
    assert "(UTC)" in client.get(f"/events/{event.id}").get_data(as_text=True)
    queued = mail.email_user(fresh(person), "events", "event_reminder", event=event)
    assert "(UTC)" in queued.html_body


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Eve\u202eadmin\u202c", "Eveadmin"),  # a right-to-left override reads "nimda"
        ("\u200bOlena\u2060 K.\ufeff", "Olena K."),  # zero-width characters
        ("\u2067Taras\u2069", "Taras"),  # an isolate
    ],
)
def test_a_name_keeps_no_invisible_characters(login, person, typed, kept):
    login(person).post("/me/profile", data={**PROFILE, "display_name": typed, "job_title": typed})
    db.session.expire_all()
    saved = db.session.get(type(person), person.id)
    assert (saved.display_name, saved.job_title) == (kept, kept)


def test_a_name_of_only_invisible_characters_is_no_name(login, person):
    response = login(person).post("/me/profile", data={**PROFILE, "display_name": "\u200b\u202e"})
    assert response.status_code == 400 and "Enter the name colleagues know you by." in response.text
    db.session.expire_all()
    assert db.session.get(type(person), person.id).display_name == "Olena Kovalenko"


def test_sign_up_drops_invisible_characters_from_the_name(app):
    from accounts import services

    user = services.create_user("zed@example.com", "Z\u202eed", "a good password 1")
    assert user.display_name == "Z\u202eed".replace("\u202e", "")


def test_a_day_reads_one_way_on_every_page_in_the_viewers_language(app, monkeypatch):
    from datetime import UTC, date, datetime

    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ day|dateformat }} · {{ day|dateformat('long') }} · {{ moment|dateformat }}"
    moment = datetime(2026, 12, 9, 23, 30, tzinfo=UTC)  # already the 10th in Kyiv
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "Europe/Kyiv")
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", "Europe/Kyiv")
    with app.test_request_context():
        with force_locale("en"):
            english = render_template_string(template, day=date(2026, 12, 10), moment=moment)
        with force_locale("uk"):
            ukrainian = render_template_string(template, day=date(2026, 12, 10), moment=moment)
    assert english == " · ".join(["Thu, Dec 10, 2026"] * 3)
    assert ukrainian.replace("\u202f", " ") == " · ".join(["чт, 10 груд. 2026 р."] * 3)
