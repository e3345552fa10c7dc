"""The directory knows the viewer (Member / Leader / Requested, plain excerpts) and the
catalog tells the holder's reservation from another's; core's plain_excerpt filter."""

from community import services as communities
from core.extensions import db
from core.text import plain_excerpt
from initiatives import reservations
from tests.conftest import make_community
from tests.test_initiatives_support import catalog_fixture, uploads_fixture  # noqa: F401


def card_of(page: str, name: str) -> str:
    start = page.index(f">{name}</a>")
    return page[start : page.index("</article>", start)]


def test_directory_cards_say_member_leader_or_requested(app, world, count_queries):
    communities.join_community(world.users["employee"], world.approval_community)
    db.session.commit()
    client = world.client_for(app, "employee")
    page = client.get("/communities/").get_data(as_text=True)
    assert "Requested" in card_of(page, "QA Guild")
    assert "Member" not in card_of(page, "Project Managers")
    member_page = world.client_for(app, "member").get("/communities/").get_data(as_text=True)
    assert "Member" in card_of(member_page, "Project Managers")
    leader_page = world.client_for(app, "leader").get("/communities/").get_data(as_text=True)
    assert "Leader" in card_of(leader_page, "Project Managers")
    assert "Leader" in card_of(leader_page, "QA Guild")


def test_directory_labels_take_one_query_for_all_cards(app, world, count_queries):
    client = world.client_for(app, "leader")
    client.get("/communities/")
    with count_queries() as two:
        client.get("/communities/")
    for n in range(6):
        make_community(world.users["leader"], f"Guild {n}")
    client.get("/communities/")
    with count_queries() as eight:
        client.get("/communities/")
    assert len(eight) == len(two)
    assert sum("memberships.role" in s and "IN (" in s for s in eight) == 1


def test_directory_excerpts_are_plain_text(app, world):
    make_community(
        world.users["leader"], "Readers",
        description="We read about **leadership** and exchange....\n\n" + "books " * 60,
    )  # fmt: skip
    card = card_of(
        world.client_for(app, "member").get("/communities/").get_data(as_text=True), "Readers"
    )
    assert "**" not in card and "<strong>" not in card
    assert "We read about leadership and exchange" in card
    assert card.count("…") == 1 and "...…" not in card and "....…" not in card


def test_plain_excerpt_strips_tags_collapses_space_and_cuts_at_a_word():
    assert plain_excerpt("<p>We <strong>lead</strong>\n\n  projects &amp; more.</p>") == (
        "We lead projects & more."
    )
    assert plain_excerpt("<p>" + "word " * 50 + "</p>", 30) == "word word word word word word…"
    assert plain_excerpt("<p>and exchange.... more words here</p>", 16) == "and exchange…"
    assert plain_excerpt(None) == ""


def test_catalog_says_reserved_for_you_only_to_the_holder(app, catalog):
    item = catalog.offer("Drive")
    reservations.request_item(catalog.initiative.id, item.id, pledged=1, user=catalog.employee)
    db.session.commit()
    url = f"/initiatives/{catalog.initiative.id}"
    holder = app.test_client(user=catalog.employee).get(url).get_data(as_text=True)
    assert "Reserved for you" in holder and "Cancel reservation" in holder
    leader = app.test_client(user=catalog.leader).get(url).get_data(as_text=True)
    assert "Reserved for you" not in leader and "Reserved" in leader
    assert "Cancel reservation" not in leader
