"""Reading: the list (pinned first, then by last activity; filters), what is new to each
person, read marks posted (never written by a GET), "Mute", the community page's part."""

import pytest
from sqlalchemy import select

from conversations import reading
from conversations.models import PostKind, PostRead
from core import commands
from core.extensions import db
from tests.conftest import make_user
from tests.conversations_support import accept, make_post, make_reply, post_url

LIST = "/communities/project-managers/posts"
WRITES = ("INSERT", "UPDATE", "DELETE")


def _order(page: str, *titles: str) -> list[int]:
    return [page.index(title) for title in titles]


def test_pinned_first_then_by_last_activity(world, login):
    member, leader = world.users["member"], world.users["leader"]
    old = make_post(member, world.community, title="Old thread")
    make_post(member, world.community, title="Newer thread")
    make_post(leader, world.community, PostKind.ANNOUNCEMENT, title="Pinned news")
    make_reply(leader, old, "Bumps it")
    page = login(member).get(LIST).get_data(as_text=True)
    assert _order(page, "Pinned news", "Old thread", "Newer thread") == sorted(
        _order(page, "Pinned news", "Old thread", "Newer thread")
    )


def test_the_filters_show_their_kinds_and_ideas_sort_by_votes(world, login):
    from conversations import engagement

    member, leader = world.users["member"], world.users["leader"]
    make_post(member, world.community, title="Chat about tools")
    question = make_post(member, world.community, PostKind.QUESTION, title="Which tracker?")
    answered = make_post(member, world.community, PostKind.QUESTION, title="Kanban or Scrum?")
    accept(member, make_reply(leader, answered, "Kanban"))
    popular = make_post(member, world.community, PostKind.IDEA, title="Popular idea")
    make_post(member, world.community, PostKind.IDEA, title="Quiet idea")
    with commands.transaction():
        engagement.set_voted(leader, popular.id, True)
    make_post(leader, world.community, PostKind.ANNOUNCEMENT, title="Sale on Friday")
    client = login(member)
    questions = client.get(LIST + "?filter=questions").get_data(as_text=True)
    assert "Which tracker?" in questions and "Chat about tools" not in questions
    unanswered = client.get(LIST + "?filter=unanswered").get_data(as_text=True)
    assert "Which tracker?" in unanswered and "Kanban or Scrum?" not in unanswered
    ideas = client.get(LIST + "?filter=ideas").get_data(as_text=True)
    assert ideas.index("Popular idea") < ideas.index("Quiet idea") and "1 vote" in ideas
    announcements = client.get(LIST + "?filter=announcements").get_data(as_text=True)
    assert "Sale on Friday" in announcements and "Which tracker?" not in announcements
    for label in ["All", "Questions", "Ideas", "Announcements", "Unanswered"]:
        assert f">{label}</a>" in questions
    assert question.id  # listed above
    assert client.get(LIST + "?filter=nonsense").status_code == 200


def test_older_posts_page_by_keyset_without_repeats_or_gaps(world, login):
    member = world.users["member"]
    for n in range(60):
        make_post(member, world.community, title=f"Topic number {n:02d}")
    client = login(member)
    seen, url = [], LIST
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [n for n in range(60) if f"Topic number {n:02d}<" in page]
        marker = 'href="/communities/project-managers/posts?after='
        url = (
            page[page.index(marker) + 6 :].split('"')[0].replace("&amp;", "&")
            if marker in page
            else None
        )
    assert sorted(seen) == list(range(60)) and len(seen) == 60
    for bogus in ["x", "1.2.3", "99999999999999999999.1", "-1.5", "1." + "9" * 30, "0.0"]:
        for chosen in ["all", "ideas", "unanswered"]:
            response = client.get(f"{LIST}?filter={chosen}&after={bogus}")
            assert response.status_code == 200
    # A cursor past any vote count or moment shows the first posts, never a database error.
    assert client.get(f"{LIST}?filter=ideas&after=4102444800000000.5").status_code == 200


def test_an_unread_post_is_new_and_new_replies_are_counted_since_the_last_visit(world, login):
    member, leader = world.users["member"], world.users["leader"]
    post = make_post(leader, world.community, title="Team retro")
    client = login(member)
    assert ">New<" in client.get(LIST).get_data(as_text=True)
    client.post(post_url(post, "/read"), data={"replies_seen": "0"})
    assert ">New<" not in client.get(LIST).get_data(as_text=True)
    make_reply(leader, post, "One")
    make_reply(leader, post, "Two")
    assert "2 new replies" in client.get(LIST).get_data(as_text=True)
    client.post(post_url(post, "/read"), data={"replies_seen": "2"})
    assert "new repl" not in client.get(LIST).get_data(as_text=True)


def test_the_author_has_read_their_post_and_a_replier_the_thread(world, login):
    member, leader = world.users["member"], world.users["leader"]
    post = make_post(member, world.community)
    make_reply(leader, post)
    page = login(leader).get(LIST).get_data(as_text=True)
    assert ">New<" not in page and "new repl" not in page
    assert "1 new reply" in login(member).get(LIST).get_data(as_text=True)


def test_opening_pages_writes_nothing(world, login, count_queries):
    post = make_post(world.users["leader"], world.community)
    make_reply(world.users["leader"], post)
    client = login(world.users["member"])
    with count_queries() as statements:
        for url in [LIST, post_url(post), "/communities/project-managers", LIST + "?filter=ideas"]:
            assert client.get(url).status_code == 200
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
    assert (
        db.session.execute(
            select(PostRead).where(PostRead.user_id == world.users["member"].id)
        ).first()
        is None
    )


def test_the_post_page_offers_mark_as_read_and_its_static_script(world, login):
    post = make_post(world.users["leader"], world.community)
    page = login(world.users["member"]).get(post_url(post)).get_data(as_text=True)
    assert "Mark as read" in page and "/static/js/read-mark.js" in page
    response = login(world.users["member"]).post(
        post_url(post, "/read"), headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 204
    assert "Mark as read" not in login(world.users["member"]).get(post_url(post)).get_data(
        as_text=True
    )


def test_a_read_mark_never_claims_more_replies_than_there_are(world, login):
    post = make_post(world.users["leader"], world.community)
    make_reply(world.users["leader"], post)
    client = login(world.users["member"])
    for seen in ["999999", "-4", "abc", "9" * 30]:
        assert client.post(post_url(post, "/read"), data={"replies_seen": seen}).status_code == 302
    mark = db.session.execute(
        select(PostRead).where(PostRead.user_id == world.users["member"].id)
    ).scalar_one()
    assert mark.replies_seen == 1


def test_mute_and_unmute_a_post(world, login):
    post = make_post(world.users["leader"], world.community)
    client = login(world.users["member"])
    assert ">Mute<" in client.get(post_url(post)).get_data(as_text=True)
    client.post(post_url(post, "/mute"), data={"muted": "1"})
    assert reading.is_muted(world.users["member"], post.id)
    assert ">Unmute<" in client.get(post_url(post)).get_data(as_text=True)
    client.post(post_url(post, "/mute"), data={"muted": "0"})
    db.session.expire_all()
    assert not reading.is_muted(world.users["member"], post.id)


def test_marking_read_keeps_a_mute(world):
    post = make_post(world.users["leader"], world.community)
    member = world.users["member"]
    with commands.transaction():
        reading.set_muted(member, post.id, True)
    with commands.transaction():
        reading.mark_read(member, post.id)
    db.session.expire_all()
    assert reading.is_muted(member, post.id)


def test_the_community_page_shows_the_latest_conversations_and_links_them(world, login):
    make_post(world.users["leader"], world.community, title="Welcome, everyone")
    page = (
        login(world.users["employee"]).get("/communities/project-managers").get_data(as_text=True)
    )
    assert "Latest conversations" in page and "Welcome, everyone" in page
    assert 'href="/communities/project-managers/posts">Conversations</a>' in page


def test_an_approval_communitys_page_hides_conversations_from_outsiders(world, login):
    make_post(world.users["leader"], world.approval_community, title="Guild secrets")
    page = login(make_user("x@example.com")).get("/communities/qa-guild").get_data(as_text=True)
    assert "Guild secrets" not in page and "Latest conversations" not in page
    assert login(make_user("y@example.com")).get("/communities/qa-guild/posts").status_code == 403


@pytest.mark.parametrize("role", ["visitor"])
def test_signed_out_people_sign_in_first(world, login, role):
    response = login(None).get(LIST)
    assert response.status_code == 302 and "/signin" in response.location


def test_counts_read_in_ukrainian_plural_forms(world, login):
    leader = world.users["leader"]
    post = make_post(leader, world.community, title="Ретро")
    client = login(world.users["member"])
    client.post("/language", data={"language": "uk"})
    client.post(post_url(post, "/read"))
    for text in ["Один", "Два"]:
        make_reply(leader, post, text)
    page = client.get(LIST).get_data(as_text=True)
    assert "2 нові відповіді" in page and "2 відповіді" in page and "Обговорення" in page
    for n in range(3):
        make_reply(leader, post, f"Ще {n}")
    assert "5 нових відповідей" in client.get(LIST).get_data(as_text=True)
