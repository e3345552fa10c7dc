"""Search shows each role only what it may open, filtered inside the Whoosh query."""

import pytest

from community import services as communities
from core.extensions import db
from events.models import EventVisibility
from initiatives import catalog_items, editing
from initiatives.models import InitiativeKind, InitiativeStatus
from search import services
from search.index import search_index
from tests.conftest import make_community
from tests.test_events_factories import make_event
from tests.test_promotions_factories import draft_brief

PUBLIC = {"Agile meetup", "Agile book exchange", "Agile Estimating"}
MEMBERS = {"Members-only agile retro"}
LEADERS = {
    "Agile Archive",
    "Archived agile event",
    "Agile draft plan",
    "Agile withdrawn book",
}
VISIBLE = {
    "employee": PUBLIC,
    "smm": PUBLIC,
    "member": PUBLIC | MEMBERS,
    "leader": PUBLIC | MEMBERS | LEADERS,
    "admin": PUBLIC | MEMBERS | LEADERS,
}


def titles(user, text: str = "agile", **options) -> set[str]:
    found = services.search(user, text, **options)
    return {result.title.striptags() for result in found.results}


def catalog(leader, community, title: str, status=InitiativeStatus.ACTIVE):
    initiative = editing.create_initiative(
        leader, community, title=title, kind=InitiativeKind.CATALOG, status=status
    )
    db.session.commit()
    return initiative


def offer(initiative, leader, title: str):
    item = catalog_items.offer_item(initiative, title=title, category="Other", user=leader)
    db.session.commit()
    return item


@pytest.fixture
def agile_world(world):
    search_index().rebuild()  # everything the world holds, and nothing from earlier tests
    leader, admin = world.users["leader"], world.users["admin"]
    community = world.community
    make_event(leader, community, title="Agile meetup")
    make_event(
        leader, community, title="Members-only agile retro", visibility=EventVisibility.MEMBERS
    )
    exchange = catalog(leader, community, "Agile book exchange")
    offer(exchange, leader, "Agile Estimating")
    withdrawn = offer(exchange, leader, "Agile withdrawn book")
    catalog_items.withdraw_item(leader, exchange, withdrawn.id)
    db.session.commit()
    catalog(leader, community, "Agile draft plan", status=InitiativeStatus.DRAFT)
    archive = make_community(leader, "Agile Archive")
    make_event(leader, archive, title="Archived agile event")
    communities.archive_community(admin, archive)  # its event follows it out of sight
    db.session.commit()
    return world


@pytest.mark.parametrize("role", ["employee", "member", "leader", "smm", "admin"])
def test_each_role_finds_only_what_it_may_open(agile_world, role):
    assert titles(agile_world.users[role]) == VISIBLE[role]


@pytest.mark.parametrize("role", ["employee", "member", "leader", "smm", "admin"])
def test_facet_counts_respect_permissions_too(agile_world, role):
    found = services.search(agile_world.users[role], "agile")
    assert sum(count for _kind, count in found.facets) == len(VISIBLE[role])
    assert found.total == len(VISIBLE[role])


def test_joining_a_community_shows_its_members_only_events_at_once(agile_world):
    employee = agile_world.users["employee"]
    communities.join_community(employee, agile_world.community)
    db.session.commit()

    assert "Members-only agile retro" in titles(employee)


def test_an_initiative_back_in_draft_hides_itself_and_its_books(agile_world):
    leader, employee = agile_world.users["leader"], agile_world.users["employee"]
    corner = catalog(leader, agile_world.community, "Scrum corner")
    offer(corner, leader, "Scrum Guide")
    assert titles(employee, "scrum") == {"Scrum corner", "Scrum Guide"}

    editing.update_initiative(leader, corner, status=InitiativeStatus.DRAFT)
    db.session.commit()
    assert titles(employee, "scrum") == set()
    assert titles(leader, "scrum") == {"Scrum corner", "Scrum Guide"}

    editing.update_initiative(leader, corner, status=InitiativeStatus.ACTIVE)
    db.session.commit()
    assert titles(employee, "scrum") == {"Scrum corner", "Scrum Guide"}


def test_kind_facet_filters_results(agile_world):
    member = agile_world.users["member"]
    assert titles(member, kind="event") == {"Agile meetup", "Members-only agile retro"}
    assert titles(member, kind="catalog_item") == {"Agile Estimating"}


def test_hidden_results_are_filtered_before_paging(world):
    search_index().rebuild()
    leader, employee = world.users["leader"], world.users["employee"]
    for number in range(15):
        make_event(
            leader, world.community, title=f"Secret agile {number}",
            visibility=EventVisibility.MEMBERS,
        )  # fmt: skip
    for number in range(3):
        make_event(leader, world.community, title=f"Open agile {number}")

    found = services.search(employee, "agile")

    assert found.total == 3 and found.pages == 1
    assert {result.title.striptags() for result in found.results} == {
        "Open agile 0", "Open agile 1", "Open agile 2"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("role", "sees"),
    [("employee", False), ("member", False), ("leader", True), ("smm", True), ("admin", True)],
)
def test_briefs_are_found_only_by_smm_and_their_community_leaders(world, role, sees):
    search_index().rebuild()
    draft_brief(world.users["leader"], world.community, title="Charity book sale brief")

    assert titles(world.users[role], "charity") == ({"Charity book sale brief"} if sees else set())
