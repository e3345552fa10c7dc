"""Home at "/": each section for each role, visitors' welcome, the query budget."""

import re

import pytest
from sqlalchemy import select

from community import services as communities
from community.models import Community, CommunityKind
from core.extensions import db
from events.models import Registration
from initiatives import catalog_items, editing, reservations
from initiatives.models import InitiativeKind, InitiativeStatus
from initiatives.participants import Outsider
from promotions.at_risk import sync_at_risk
from promotions.models import BriefStatus
from tests.conftest import build_world, empty_all_tables, make_community
from tests.test_events_factories import make_event, make_past_event, register
from tests.test_promotions_factories import brief_in, channel, plan_post


def home_world(extra: int = 0):
    """build_world, and something for every section of every role's home; `extra` more of
    everything (communities, events, books, briefs) to show the cost does not grow."""
    world = build_world()
    u = world.users
    leader, member, employee, smm = u["leader"], u["member"], u["employee"], u["smm"]
    communities.join_community(employee, world.approval_community)  # waits for the leader
    db.session.commit()
    channel()
    catalog = editing.create_initiative(
        leader, world.community, title="Charity Book Sale", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE, is_public=True, beneficiary="Children's fund",
        suggested_donation=350, categories="Leadership",
    )  # fmt: skip
    db.session.commit()
    for n in range(1 + extra):
        catalog_items.offer_item(
            catalog, title=f"Offer {n}", category="Leadership",
            outsider=Outsider("Olga Outside", f"olga{n}@example.org"),
        )  # fmt: skip
        book = catalog_items.offer_item(
            catalog, title=f"Drive {n}", category="Leadership", user=leader
        )
        db.session.commit()
    reservations.request_item(catalog.id, book.id, pledged=350, user=member)
    db.session.commit()
    past = make_past_event(leader, world.community, title="Retro night")
    soon = make_event(leader, world.community, title="Book club", capacity=1)
    for n in range(extra):
        make_event(leader, world.community, title=f"Meetup {n}")
        make_community(leader, f"Guild {n}", kind=CommunityKind.PRACTICE)
    register(member, soon)
    register(employee, soon)  # the waitlist
    db.session.commit()
    db.session.add(Registration(event_id=past.id, user_id=member.id, status="confirmed"))
    make_community(leader, "Testers", description="We **test** things.")
    editing.create_initiative(
        leader,
        world.community,
        title="Mentoring circle",
        kind=InitiativeKind.GENERAL,
        status=InitiativeStatus.ACTIVE,
    )  # fmt: skip, the newest thing: both kinds are on the news's first page
    for _ in range(1 + extra):
        brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    plan_post(smm, brief_in(BriefStatus.ACCEPTED, leader, smm, world.community), days=6)
    db.session.commit()
    world.objects.update(catalog=catalog, book=book, past=past, soon=soon)
    return world


@pytest.fixture
def home(app):
    return home_world()


def page_of(app, world, role) -> str:
    response = world.client_for(app, role).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_visitors_get_the_welcome_with_sign_in(app, world):
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Sign in" in page and "Needs you" not in page


def test_home_is_in_the_main_navigation_and_at_slash(app, world):
    page = page_of(app, world, "employee")
    assert 'href="/"' in page and ">Home<" in page.replace("\n", "").replace(" ", "")
    assert world.client_for(app, "employee").get("/home").headers["Location"].endswith("/")


def test_leader_needs_join_requests_books_leads_and_attendance(app, home):
    page = page_of(app, home, "leader")
    assert "Emma Employee asks to join QA Guild" in page
    assert "1 offered book waits for approval in Charity Book Sale" in page
    assert "got in touch about Charity Book Sale" in page
    assert "Mark who came to Retro night" in page
    assert f"/events/{home.objects['past'].id}/attendees" in page
    assert "/members/" in page and "/approve" in page  # the button itself


def test_leader_approves_from_home(app, home):
    client = home.client_for(app, "leader")
    page = client.get("/").get_data(as_text=True)
    start = page.index('action="/communities/qa-guild/members/')
    action = page[start + len('action="') : page.index('"', start + len('action="'))]
    client.post(action)
    assert "asks to join" not in client.get("/").get_data(as_text=True)


def test_smm_sees_the_queue_summary_first_then_briefs_and_posts(app, home):
    page = page_of(app, home, "smm")
    assert page.index("Promotion queue") < page.index("Needs you")
    assert "Submitted: 1" in page
    assert "Brief to accept:" in page and "Post due" in page


def test_member_coming_up_seat_and_reservation_with_what_to_do(app, home):
    page = page_of(app, home, "member")
    assert "Book club" in page and "Confirmed" in page
    assert "Reserved for you: Drive 0" in page
    assert "Children&#39;s fund" in page and "kept for you until" in page
    assert "Cancel reservation" in page
    assert "Nothing needs you" in page


def test_an_archived_communitys_seats_and_books_leave_coming_up(app, home):
    """An archived community closes for its members (its pages are 404 for them): home
    offers no link nor "Cancel reservation" that leads there."""
    communities.archive_community(home.users["admin"], home.community)
    db.session.commit()
    page = page_of(app, home, "member")
    coming_up = page.split('id="coming-heading"', 1)[1].split("</section>", 1)[0]
    assert "Book club" not in coming_up and "Reserved for you" not in coming_up
    assert "Nothing coming up." in coming_up


def test_employee_sees_waitlist_position(app, home):
    assert "Waitlist, position 1" in page_of(app, home, "employee")


def test_member_cancels_the_reservation_from_home(app, home):
    client = home.client_for(app, "member")
    item = home.objects["book"]
    url = f"/initiatives/{home.objects['catalog'].id}/items/{item.id}/cancel"
    response = client.post(url, data={"next": "/"})
    assert response.headers["Location"] == "/"
    assert "Reserved for you" not in client.get("/").get_data(as_text=True)


def test_only_the_holder_may_cancel_a_reservation(app, home):
    item = home.objects["book"]
    url = f"/initiatives/{home.objects['catalog'].id}/items/{item.id}/cancel"
    home.client_for(app, "employee").post(url)
    assert "Reserved for you: Drive 0" in page_of(app, home, "member")


def test_news_lists_my_communities_events_and_initiatives_newest_first(app, home):
    page = page_of(app, home, "member")
    news = page[page.index("New in my communities") : page.index("You might join")]
    assert news.index("Book club") < news.index("Retro night")
    assert "Charity Book Sale" in news


def test_news_is_paged_newer_and_older_without_counting_it_all(app):
    world = home_world(extra=12)
    client = world.client_for(app, "member")

    def news(page: int) -> tuple[str, list[str]]:
        text = client.get("/", query_string={"page": page}).get_data(as_text=True)
        shown = text[text.index("New in my communities") : text.index("You might join")]
        return shown, re.findall(r'<li class="list-group-item">\s*<span class="badge[^>]*>', shown)

    first, first_items = news(1)
    assert len(first_items) == 10 and ">Older</a>" in first and ">Newer</a>" not in first
    assert 'href="/?page=2"' in first
    second, second_items = news(2)
    assert ">Newer</a>" in second and 'href="/?page=1"' in second
    beyond, beyond_items = news(99)
    assert beyond_items == [] and ">Older</a>" not in beyond and ">Newer</a>" not in beyond
    assert 'href="/?page=1">Newest</a>' in beyond  # back to the start, not to page 98
    assert "Nothing more here." in beyond
    assert "Nothing new yet" not in beyond  # only a first page with nothing says so


def test_suggestions_are_communities_of_my_kinds_i_am_not_in(app, home):
    page = page_of(app, home, "member")
    suggested = page[page.index("You might join") :]
    assert "Testers" in suggested and "QA Guild" in suggested
    assert "We test things." in suggested and "**" not in suggested
    assert "Project Managers" not in suggested


def test_suggestions_follow_the_commit_that_makes_a_community_livelier(app, home):
    """Liveliness is kept for everyone (home/news.py): a join anywhere counts it again."""
    client = home.client_for(app, "member")

    def suggested() -> list[str]:
        db.session.remove()  # each view in a transaction of its own, as when served
        page = client.get("/").get_data(as_text=True)
        shown = page[page.index("You might join") :]
        return sorted((name for name in ("QA Guild", "Testers") if name in shown), key=shown.index)

    order = suggested()
    for _view in range(3):  # the versions start, the figure is kept, then used
        assert suggested() == order and len(order) == 2
    quieter = db.session.execute(select(Community).where(Community.name == order[-1])).scalar_one()
    for n in range(4):  # events held or planned make a community livelier
        make_event(home.users["leader"], quieter, title=f"Meetup {n}")
    db.session.commit()
    assert suggested()[0] == order[-1]


def test_empty_sections_say_something_useful(app, world):
    page = page_of(app, world, "employee")
    assert "Nothing coming up." in page and "Find an event to go to" in page
    assert "Nothing new yet" in page


@pytest.mark.parametrize("role", ["leader", "smm", "member"])
def test_home_query_count_does_not_grow_with_the_data(app, count_queries, role, same_minute):
    small = home_world()
    client = small.client_for(app, role)
    client.get("/")
    with count_queries() as few:
        client.get("/")
    empty_all_tables()
    large = home_world(extra=15)
    client = large.client_for(app, role)
    client.get("/")
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few) <= 15  # leader 14, SMM 11, member 9 (SQLite)


def test_at_risk_briefs_need_their_leaders_and_smm(app, home):
    u = home.users
    brief = brief_in(BriefStatus.RUNNING, u["leader"], u["smm"], home.community)
    sync_at_risk(brief, True)
    db.session.commit()
    for role in ("leader", "smm"):
        assert f"/promotions/{brief.id}" in page_of(app, home, role).split("At risk", 1)[1]
    assert "At risk" not in page_of(app, home, "member")
