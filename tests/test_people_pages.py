"""Profile pages for colleagues, names that link to them, and times in the viewer's zone."""

from datetime import UTC, datetime, timedelta

from accounts.models import User
from community import services as communities
from core.extensions import db
from events.attendance import mark_attendance
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, make_past_event, register


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_profile_shows_name_title_team_initials_communities_and_events(login):
    leader = make_user("lena@example.com", "Lena Leader")
    person = make_user("olena@example.com", "Olena Kovalenko")
    person.job_title, person.team = "QA lead", "Payments"
    db.session.commit()
    led = make_community(person, "QA Guild")
    joined = make_community(leader, "Book Club")
    communities.join_community(person, joined)

    page = text(login(leader).get(f"/people/{person.id}"))

    assert '<h1 class="page-title">Olena Kovalenko</h1>' in page
    assert "QA lead" in page and "Payments" in page
    assert f"avatar-c{person.id % 8}" in page and ">OK</span>" in page
    assert led.name in page and joined.name in page
    assert page.index("QA Guild") < page.index("Leader</span>") < page.index("Book Club")
    assert "Attended 0 events." in page


def test_events_attended_counts_marked_attendance(login):
    leader = make_user("lena@example.com", "Lena Leader")
    person = make_user("olena@example.com", "Olena Kovalenko")
    community = make_community(leader)
    event = make_past_event(leader, community)
    register(person, event, now=event.starts_at - timedelta(days=1))
    mark_attendance(leader, event, {person.id})
    db.session.commit()
    assert "Attended 1 event." in text(login(leader).get(f"/people/{person.id}"))


def test_visitors_sign_in_and_unknown_or_deactivated_people_are_not_found(login, client):
    person = make_user("olena@example.com")
    viewer = login(make_user("viewer@example.com"))
    assert "/signin" in client.get(f"/people/{person.id}").headers["Location"]
    assert viewer.get("/people/987654").status_code == 404
    db.session.get(User, person.id).active = False
    db.session.commit()
    assert viewer.get(f"/people/{person.id}").status_code == 404


def test_the_profile_page_costs_the_same_with_one_or_many_communities(login, count_queries):
    leader = make_user("lena@example.com", "Lena Leader")
    person = make_user("olena@example.com", "Olena Kovalenko")
    viewer = login(leader)
    viewer.get(f"/people/{person.id}")  # warm the caches

    def cost() -> int:
        with count_queries() as statements:
            assert viewer.get(f"/people/{person.id}").status_code == 200
        return len(statements)

    make_community(person, "Community 0")
    few = cost()
    for number in range(1, 8):
        make_community(person, f"Community {number}")
    assert cost() == few <= 10


def test_names_link_to_profiles_for_colleagues(login, world):
    page = text(login(world.users["employee"]).get(f"/communities/{world.community.slug}"))
    leader = world.users["leader"]
    assert f'<a href="/people/{leader.id}">{leader.display_name}</a>' in page
    members = text(login(leader).get(f"/communities/{world.community.slug}/members"))
    member = world.users["member"]
    assert f'<a href="/people/{member.id}">{member.display_name}</a>' in members


def test_a_new_york_viewer_sees_new_york_times_and_others_the_site_default(login):
    leader = make_user("lena@example.com", "Lena Leader")
    community = make_community(leader)
    event = make_event(leader, community, starts_at=datetime(2031, 3, 1, 16, 0, tzinfo=UTC))
    new_yorker = make_user("ny@example.com", "Nia York")
    new_yorker.time_zone = "America/New_York"
    db.session.commit()

    theirs = text(login(new_yorker).get(f"/events/{event.id}"))
    assert "11:00–13:00 (America/New_York)" in theirs
    assert "18:00 in Europe/Kyiv" in theirs  # the event's own zone, once
    assert theirs.count("Europe/Kyiv") == 1

    default = text(login(leader).get(f"/events/{event.id}"))
    assert "16:00–18:00 (UTC)" in default and "America/New_York" not in default


def test_an_old_name_of_the_events_zone_shows_its_times_once(login):
    """Browsers may report "Europe/Kiev", an old name of "Europe/Kyiv": the same clock,
    named as it is written now."""
    leader = make_user("lena@example.com", "Lena Leader")
    event = make_event(leader, make_community(leader),
                       starts_at=datetime(2031, 3, 1, 16, 0, tzinfo=UTC))  # fmt: skip
    leader.time_zone = "Europe/Kiev"
    db.session.commit()

    page = text(login(leader).get(f"/events/{event.id}"))
    assert "18:00–20:00 (Europe/Kyiv)" in page
    assert "in Europe/Kyiv" not in page and "Europe/Kiev" not in page


def test_every_moment_reads_one_way(login, app):
    admin = make_user("admin@example.com", "Ada Admin", is_admin=True)
    admin.time_zone = "Europe/Kyiv"
    db.session.commit()
    with app.test_request_context():
        template = app.jinja_env.from_string('{{ moment|datetimeformat("short") }}')
        moment = datetime(2026, 12, 10, 16, 0, tzinfo=UTC)
        assert template.render(moment=moment) == "Thu, Dec 10, 2026, 16:00"
