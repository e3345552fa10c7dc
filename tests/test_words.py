"""Words people read: counts agree with their number in both languages, labels say
what a field holds, an event's "About" is about the event, and the categories a
catalog starts with read in the reader's language."""

import pytest

from core.extensions import db
from events import registering
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_initiatives_support import build_catalog


def in_ukrainian(client):
    client.post("/language", data={"language": "uk"})
    return client


@pytest.fixture
def event_world(app):
    leader = make_user("lena@example.com", "Lena Leader")
    member = make_user("max@example.com", "Max Member")
    event = make_event(leader, make_community(leader), capacity=1, registration_goal=4)
    return leader, member, event


def test_one_seat_is_singular_and_the_goal_counts_confirmed_for_leaders_only(event_world, login):
    leader, member, event = event_world
    registering.register_for_event(member, event.id)
    db.session.commit()
    leader_page = login(leader).get(f"/events/{event.id}").text
    assert "1 registered of 1 seat" in leader_page and "1 seats" not in leader_page
    assert "Goal: 4 registrations (25%" in leader_page
    member_page = login(member).get(f"/events/{event.id}").text
    assert "Goal:" not in member_page


def test_ukrainian_counts_take_their_plural_form(event_world, login):
    leader, _member, event = event_world
    page = in_ukrainian(login(leader)).get(f"/events/{event.id}").text
    assert "0 зареєстровано з 1 місця" in page
    assert "Мета: 4 реєстрації" in page


def test_an_event_s_about_is_about_the_event(event_world, login):
    leader, _member, event = event_world
    client = in_ukrainian(login(leader))
    assert "Про подію" in client.get(f"/events/{event.id}").text
    community_page = client.get(f"/communities/{event.community.slug}").text
    assert "Про спільноту" in community_page and "Про подію" not in community_page


def test_default_categories_read_in_the_reader_s_language(app, login):
    catalog = build_catalog(categories="Leadership\nSoft skills\nReading circle")
    catalog.offer("Drive", "Leadership")
    catalog.offer("Quiet", "Reading circle")
    page = in_ukrainian(login(catalog.employee)).get(f"/initiatives/{catalog.initiative.id}").text
    assert "Лідерство" in page and "М&#39;які навички" in page
    assert "Reading circle" in page  # a leader's own category reads as written
    # The filter still sends the stored name.
    assert '<option value="Leadership"' in page


def test_the_published_address_field_says_it_is_an_address(app):
    from promotions.forms import PublicationForm

    with app.test_request_context():
        assert PublicationForm().published_url.label.text == "Published post's address"


def test_leaders_confirm_donations_only_for_reserved_books(app, login):
    from tests.test_initiatives_support import reserve

    catalog = build_catalog()
    available = catalog.offer("Drive")
    reserved = catalog.offer("Quiet")
    reserve(catalog, reserved, user=catalog.employee)
    page = login(catalog.leader).get(f"/initiatives/{catalog.initiative.id}").text
    base = f"/initiatives/{catalog.initiative.id}/items"
    assert f"{base}/{reserved.id}/confirm" in page
    assert f"{base}/{available.id}/confirm" not in page


def test_links_and_contacts_have_a_copy_button_that_names_its_field(event_world, login):
    leader, member, event = event_world
    registering.register_for_event(member, event.id)
    db.session.commit()
    page = login(leader).get(f"/events/{event.id}/attendees").text
    assert 'id="contact-list"' in page and 'data-copy="contact-list"' in page
    assert "/static/js/copy.js" in page
