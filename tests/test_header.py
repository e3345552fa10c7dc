"""The header: one "Admin" menu for the admin pages (and /admin listing them without
scripts), a person menu with Profile, Settings and Sign out, and the bell between."""

import re

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
