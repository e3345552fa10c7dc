"""Event pages: the form and its bad input, registering, lists, leaders' tools, page cost."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from community import services as communities
from core.extensions import db
from core.models import utcnow
from core.spreadsheets import safe_cell
from events import planning, queries
from events.models import Event, EventVisibility, RegistrationStatus
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, make_past_event, register

FORM = {
    "title": "Retro night",
    "description": "Bring **one** lesson learned.",
    "starts_at": "2031-03-01T18:00",
    "ends_at": "2031-03-01T20:00",
    "timezone": "Europe/Kyiv",
    "place": "Room 4.02",
    "online_url": "",
    "capacity": "20",
    "registration_goal": "15",
    "registration_opens_at": "",
    "registration_closes_at": "",
    "visibility": "employees",
}


@pytest.fixture
def leader(app):
    return make_user("lead@example.com", "Lena Leader")


@pytest.fixture
def community(leader):
    return make_community(leader)


def event_count() -> int:
    return db.session.execute(select(func.count()).select_from(Event)).scalar_one()


def page_text(response) -> str:
    return response.get_data(as_text=True)


# --- the form ---------------------------------------------------------------------


def test_leader_plans_an_event_in_their_time_zone(login, leader, community):
    response = login(leader).post(f"/communities/{community.slug}/events/new", data=FORM)

    assert response.status_code == 302
    event = db.session.execute(select(Event)).scalar_one()
    assert response.location.endswith(f"/events/{event.id}")
    assert event.starts_at == datetime(2031, 3, 1, 16, 0, tzinfo=UTC)  # 18:00 in Kyiv (UTC+2)
    assert (event.capacity, event.registration_goal) == (20, 15)
    assert event.visibility == EventVisibility.EMPLOYEES
    assert event.created_by_id == leader.id


def test_event_form_uses_the_contract_labels(login, leader, community):
    text = page_text(login(leader).get(f"/communities/{community.slug}/events/new"))

    for label in ("Title", "Starts", "Ends", "Time zone", "Capacity", "Registration goal"):
        assert f">{label}</label>" in text
    assert 'type="datetime-local"' in text
    assert "Save event" in text


BAD_INPUT = {
    "end before start": ({"ends_at": "2031-03-01T17:00"}, "must end after it starts"),
    "end equals start": ({"ends_at": "2031-03-01T18:00"}, "must end after it starts"),
    "capacity 0": ({"capacity": "0"}, "Enter a number of seats from 1 to 100,000."),
    "capacity negative": ({"capacity": "-5"}, "Enter a number of seats from 1 to 100,000."),
    "capacity not a number": ({"capacity": "many"}, "Not a valid integer value."),
    "capacity huge": (
        {"capacity": "99999999999999999999"},
        "Enter a number of seats from 1 to 100,000.",
    ),
    "goal 0": ({"registration_goal": "0"}, "Enter a number of registrations from 1 to 100,000."),
    "window closes after the event": (
        {"registration_closes_at": "2031-03-02T09:00"},
        "Registration must close before the event ends.",
    ),
    "window opens after it closes": (
        {"registration_opens_at": "2031-03-01T12:00", "registration_closes_at": "2031-03-01T10:00"},
        "Registration must open before it closes",
    ),
    "huge title": ({"title": "T" * 201}, "Field cannot be longer than 200 characters."),
    "huge description": ({"description": "x" * 20001}, "cannot be longer than 20000"),
    "empty title": ({"title": "   "}, "This field is required."),
    "bad time zone": ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice."),
    "time lost to a clock change": (
        {"starts_at": "2031-03-30T03:30", "ends_at": "2031-03-30T05:00"},
        "does not exist in Europe/Kyiv",
    ),
    "year out of range": (
        {"starts_at": "9999-12-31T23:59", "timezone": "Pacific/Kiritimati"},
        "Enter a date between 2000 and 2100.",
    ),
    "not a date": ({"starts_at": "tomorrow evening"}, "Not a valid datetime value."),
    "missing start": ({"starts_at": ""}, "Enter the date and time it starts."),
    "online link not a web address": ({"online_url": "javascript:alert(1)"}, "full web address"),
}


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_event_input_is_refused_beside_the_field(login, leader, community, changes, message):
    response = login(leader).post(
        f"/communities/{community.slug}/events/new", data={**FORM, **changes}
    )

    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert "invalid-feedback" in text  # shown beside the field
    assert event_count() == 0


def test_editing_keeps_the_wall_clock_times_and_reports_rules(login, leader, community):
    event = make_event(leader, community, capacity=3)
    for n in range(2):
        register(make_user(f"p{n}@example.com"), event)
    client = login(leader)

    form = page_text(client.get(f"/events/{event.id}/edit"))
    local = planning.utc_to_local(event.starts_at, "Europe/Kyiv").strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in form

    shown = {
        **FORM,
        "starts_at": local,
        "ends_at": (planning.utc_to_local(event.ends_at, "Europe/Kyiv")).strftime("%Y-%m-%dT%H:%M"),
    }
    too_small = client.post(f"/events/{event.id}/edit", data={**shown, "capacity": "1"})
    assert too_small.status_code == 400
    assert "2 people are already registered; capacity cannot be lower." in page_text(too_small)

    saved = client.post(f"/events/{event.id}/edit", data={**shown, "title": "Renamed"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Renamed"
    assert db.session.get(Event, event.id).sequence == 1


def test_duplicate_opens_the_form_filled_from_the_event(login, leader, community):
    event = make_past_event(leader, community, title="Monthly retro")

    response = login(leader).get(f"/communities/{community.slug}/events/new?copy={event.id}")

    assert response.status_code == 200
    assert 'value="Monthly retro"' in page_text(response)
    assert event_count() == 1  # nothing is saved until the leader saves the form


# --- registering through the page -------------------------------------------------


def test_event_page_shows_seats_and_the_person_state(login, leader, community):
    event = make_event(leader, community, capacity=1, registration_goal=4)
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")

    page = page_text(login(ann).get(f"/events/{event.id}"))
    assert "1 seat left" in page and "Register" in page

    response = login(ann).post(f"/events/{event.id}/register", follow_redirects=True)
    assert "You are registered" in page_text(response)
    assert "0 seats left" in page_text(response)
    assert "Cancel registration" in page_text(response)

    response = login(bob).post(f"/events/{event.id}/register", follow_redirects=True)
    assert "You are on the waitlist (position 1)" in page_text(response)

    response = login(ann).post(f"/events/{event.id}/unregister", follow_redirects=True)
    assert "Your registration is cancelled." in page_text(response)
    assert "You are registered" in page_text(login(bob).get(f"/events/{event.id}"))


def test_registering_twice_or_for_a_cancelled_event_says_why(login, leader, community):
    event = make_event(leader, community)
    ann = make_user("ann@example.com")
    client = login(ann)
    client.post(f"/events/{event.id}/register")

    again = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "You are already registered for this event." in page_text(again)

    login(leader).post(f"/events/{event.id}/cancel")
    bob = login(make_user("bob@example.com"))
    refused = bob.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "This event was cancelled." in page_text(refused)
    assert queries.registration_of(ann, event).status == RegistrationStatus.CONFIRMED


def test_times_are_shown_in_the_viewer_zone_with_the_zone_named(login, leader, community):
    event = make_event(
        leader, community, starts_at=datetime(2031, 3, 1, 16, 0, tzinfo=UTC), capacity=None
    )

    page = page_text(login(leader).get(f"/events/{event.id}"))

    assert "16:00–18:00 (UTC)" in page
    assert "18:00 in Europe/Kyiv" in page


def test_description_markdown_is_sanitised(login, leader, community):
    event = make_event(leader, community, description="**bold** <script>alert(1)</script>")

    page = page_text(login(leader).get(f"/events/{event.id}"))

    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page


# --- lists and the community page -------------------------------------------------


def test_upcoming_lists_my_communities_and_open_events_only(login, leader, community):
    other = make_community(make_user("other@example.com"), "QA Guild")
    mine = make_event(leader, community, title="Members meetup", visibility="members")
    open_elsewhere = make_event(leader, other, title="Open QA talk", visibility="employees")
    hidden = make_event(leader, other, title="QA members only", visibility="members")
    make_past_event(leader, community, title="Old meetup")
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()

    page = page_text(login(member).get("/events"))

    assert mine.title in page and open_elsewhere.title in page
    assert hidden.title not in page and "Old meetup" not in page
    filtered = page_text(login(member).get(f"/events?community={other.slug}"))
    assert open_elsewhere.title in filtered and mine.title not in filtered
    assert "Old meetup" in page_text(login(member).get("/events/past"))


def test_community_page_lists_upcoming_events_and_new_event_for_leaders(login, leader, community):
    make_event(leader, community, title="Book club")
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()

    leader_page = page_text(login(leader).get(f"/communities/{community.slug}"))
    member_page = page_text(login(member).get(f"/communities/{community.slug}"))

    assert "Book club" in leader_page and "Book club" in member_page
    assert "New event" in leader_page and "New event" not in member_page


def test_events_is_in_the_main_navigation(login, leader):
    assert ">Events</a>" in page_text(login(leader).get("/events"))


# --- leaders' tools ---------------------------------------------------------------


def test_csv_export_lists_attendees_and_defuses_formulas(login, leader, community):
    event = make_event(leader, community, capacity=1)
    register(make_user("eve@example.com", '=HYPERLINK("http://evil")'), event)
    register(make_user("bob@example.com", "Bob"), event)

    response = login(leader).get(f"/events/{event.id}/attendees.csv")

    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(page_text(response))))
    assert rows[0] == ["Name", "Email", "Status", "Registered at (UTC)", "Attended"]
    assert rows[1][:3] == ['\'=HYPERLINK("http://evil")', "eve@example.com", "confirmed"]
    assert rows[2][:3] == ["Bob", "bob@example.com", "waitlisted"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_look_like_formulas_get_a_leading_quote(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell("Ann") == "Ann"


def test_leader_marks_attendance_and_the_event_page_shows_the_rate(login, leader, community):
    event = make_past_event(leader, community, capacity=5)
    before = event.starts_at - timedelta(days=1)
    people = [make_user(f"p{n}@example.com", f"Person {n}") for n in range(4)]
    for person in people:
        register(person, event, now=before)
    client = login(leader)

    attendees = page_text(client.get(f"/events/{event.id}/attendees"))
    assert "Person 3 attended" in attendees  # a labelled checkbox per person
    assert "p0@example.com" in attendees  # the contact list

    response = client.post(
        f"/events/{event.id}/attendance",
        data={"attended": [str(people[0].id), str(people[2].id), str(people[3].id)]},
        follow_redirects=True,
    )
    assert "Attendance saved: 3 came." in page_text(response)
    assert "Attendance: 3 of 4 came (75%)" in page_text(client.get(f"/events/{event.id}"))


def test_attendance_before_the_event_is_refused(login, leader, community):
    event = make_event(leader, community)
    response = login(leader).post(f"/events/{event.id}/attendance", follow_redirects=True)
    assert "Attendance can be marked once the event has started." in page_text(response)


# --- page cost --------------------------------------------------------------------


def _fill_event(leader, community, registrations: int) -> Event:
    event = make_event(leader, community, capacity=registrations // 2 + 1)
    for n in range(registrations):
        register(make_user(f"p{registrations}-{n}@example.com"), event)
    return event


# Measured: 4 (event page) and 5 (list) statements; the slack is for shared page parts.
EVENT_PAGE_BUDGET = 8
LIST_PAGE_BUDGET = 8


def test_event_page_costs_the_same_with_5_or_200_registrations(
    login, leader, community, count_queries
):
    measured = {}
    for size in (5, 200):
        event = _fill_event(leader, community, size)
        client = login(leader)
        client.get(f"/events/{event.id}")  # warm up: sign-in lookups
        with count_queries() as statements:
            assert client.get(f"/events/{event.id}").status_code == 200
        measured[size] = len(statements)

    assert measured[5] == measured[200] <= EVENT_PAGE_BUDGET, measured


def test_events_list_costs_the_same_with_5_or_200_events(login, leader, community, count_queries):
    measured = {}
    member = make_user("member@example.com")
    communities.join_community(member, community)
    db.session.commit()
    client = login(member)
    for size in (5, 200):
        start = utcnow() + timedelta(days=1)
        for n in range(size - event_count()):
            planning.create_event(
                leader,
                community,
                planning.EventDetails(
                    title=f"Event {n}",
                    starts_at=start + timedelta(hours=n),
                    ends_at=start + timedelta(hours=n, minutes=30),
                    timezone="UTC",
                    capacity=10,
                ),
            )
        db.session.commit()
        client.get("/events")
        with count_queries() as statements:
            assert client.get("/events").status_code == 200
        measured[size] = len(statements)

    assert measured[5] == measured[200] <= LIST_PAGE_BUDGET, measured
