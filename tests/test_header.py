"""The header: one "Admin" menu for the admin pages (and /admin listing them without
scripts), a person menu with Profile, Settings and Sign out, and the bell between."""

import re

from markupsafe import escape

from core import header
from core.extensions import db
from notifications import services
from notifications.kinds import REQUEST_APPROVED
from tests.conftest import make_user

ADMIN_PAGES = ["People", "Audit log", "E-mail", "Moderation", "Watched words", "Participants"]


def menu(page: str, menu_id: str) -> list[str]:
    block = page.split(f'aria-labelledby="{menu_id}"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r">([^<>]+)</(?:a|button)>", block)
    ]


def test_an_admin_finds_every_admin_page_in_one_menu(app, login):
    admin = make_user("ada@example.com", "Ada Admin", is_admin=True)
    client = login(admin)
    page = client.get("/communities/").text
    assert menu(page, "admin-menu") == ADMIN_PAGES
    listed = client.get("/admin").text
    assert all(f">{label}</a>" in listed for label in ADMIN_PAGES)


def test_a_person_menu_leads_to_profile_settings_and_sign_out(app, login):
    person = make_user("eve@example.com", "Eve Employee")
    page = login(person).get("/communities/").text
    assert 'id="admin-menu"' not in page
    assert menu(page, "person-menu") == ["Profile", "Settings", "Sign out"]
    assert f'href="/people/{person.id}"' in page and 'href="/me"' in page
    # Without scripts the name itself opens the settings.
    assert re.search(r'<a class="nav-link dropdown-toggle nav-person" href="/me"', page)


def test_a_visitor_sees_sign_in_and_sign_up(app, login):
    page = login(None).get("/").text
    assert ">Sign in</a>" in page and ">Sign up</a>" in page and "person-menu" not in page


# --- the header is kept by what it shows (core/header.py) ---------------------------------


def test_a_kept_header_is_never_another_persons(app, login):
    ann, bob = make_user("ann@example.com", "Ann Able"), make_user("bob@example.com", "Bob Baker")
    for person, other in [(ann, bob), (bob, ann), (ann, bob)]:
        page = login(person).get("/communities/").text
        assert person.display_name in page and other.display_name not in page
        assert f'href="/people/{person.id}"' in page and f'href="/people/{other.id}"' not in page


def test_a_kept_header_shows_a_new_name_role_and_count_at_once(app, login):
    person = make_user("eve@example.com", "Eve Employee")
    client = login(person)
    before = client.get("/communities/").text
    assert "Eve Employee" in before and 'id="admin-menu"' not in before

    person.display_name, person.is_admin = "Eve Renamed", True
    db.session.commit()
    after = client.get("/communities/").text
    assert "Eve Renamed" in after and "Eve Employee" not in after
    assert menu(after, "admin-menu") == ADMIN_PAGES

    services.notify(
        [person], REQUEST_APPROVED.name, "Welcome", services.Link("community.directory")
    )
    db.session.commit()
    told = client.get("/communities/").text
    assert re.search(r'<span class="badge text-bg-warning">1</span>', told)


def test_a_kept_header_marks_the_current_page_and_speaks_the_readers_language(app, login):
    client = login(make_user("eve@example.com", "Eve Employee"))
    directory = client.get("/communities/").text
    assert re.search(r'aria-current="page"\s+href="/communities/"', directory)
    settings = client.get("/me").text
    assert not re.search(r'aria-current="page"\s+href="/communities/"', settings)
    assert ">Sign out</button>" in settings
    client.post("/language", data={"language": "uk", "next": "/me"})
    assert ">Вийти з облікового запису</button>" in client.get("/me").text


def test_each_session_signs_out_with_its_own_token(app, monkeypatch):
    """The kept header's sign-out form carries this session's CSRF token, put in per
    request: the same header for the same person in two browsers, two tokens."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    person = make_user("eve@example.com", "Eve Employee")
    first, second = app.test_client(user=person), app.test_client(user=person)
    tokens = [_sign_out_token(client.get("/communities/").text) for client in (first, second)]
    assert tokens[0] != tokens[1] and "slot" not in tokens[0]
    assert second.post("/signout", data={"csrf_token": tokens[0]}).status_code == 400
    assert first.post("/signout", data={"csrf_token": tokens[0]}).status_code == 302


def _sign_out_token(page: str) -> str:
    form = page.split('action="/signout"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)


def test_words_like_the_token_slot_never_get_the_token(app, monkeypatch):
    """The token goes where the template put its slot, never into a person's own text
    that happens to read like it (a search, a name)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    slot = str(header.CSRF_SLOT)
    person = make_user("eve@example.com", f"Eve {slot}")
    client = app.test_client(user=person)
    for _ in range(2):  # rendered, then kept
        page = client.get("/search", query_string={"q": slot}).text
        box = re.search(r'id="site-search" name="q"\s+value="([^"]*)"', page).group(1)
        assert box == escape(slot)
        assert f"Eve {escape(slot)}" in page
        assert len(_sign_out_token(page)) > 20


def test_a_header_kept_under_one_address_prefix_is_not_served_under_another(app):
    app.extensions["site_header"].clear()
    visitor = app.test_client()
    visitor.get("/", environ_overrides={"SCRIPT_NAME": "/elsewhere"})
    page = visitor.get("/").text
    assert 'href="/signin' in page and "/elsewhere/" not in page
