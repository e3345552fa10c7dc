"""A post's row in the lists and a reply's head are kept by what they show
(core/fragments.py, conversations/rows.py): each change a reader can see shows at once,
and what differs between readers never crosses from one to another."""

import re

from community import services as communities
from conversations import services
from conversations.models import PostKind
from core import commands, fragments
from core.extensions import db
from tests.conftest import make_user
from tests.conversations_support import accept, make_post, make_reply, post_url


def rows(page: str) -> list[str]:
    return re.findall(r'<li class="list-group-item conversation-row">.*?</li>', page, re.S)


def the_row(client, post) -> str:
    page = client.get(f"/communities/{post.community.slug}/posts").text
    (row,) = [row for row in rows(page) if f'/posts/{post.id}"' in row]
    return row


def the_head(client, reply) -> str:
    page = client.get(post_url(reply.post)).text
    return re.search(
        rf'<article id="reply-{reply.id}".*?</header>\s*<div class="reply-body">.*?</div>',
        page,
        re.S,
    ).group(0)


def test_a_kept_row_shows_each_change_at_once(world, login):
    leader, member = world.users["leader"], world.users["member"]
    post = make_post(member, world.community)
    reader = login(leader)
    assert "Books on leadership?" in the_row(reader, post)
    assert "No replies yet" in the_row(reader, post)  # kept now

    with commands.transaction():
        services.edit_post(member, post.id, "Books on managing people?", "What do you read?")
    assert "Books on managing people?" in the_row(reader, post)
    make_reply(leader, post)
    assert "1 reply" in the_row(reader, post)
    with commands.transaction():
        services.set_pinned(leader, post.id, True)
    assert ">Pinned<" in the_row(reader, post)
    with commands.transaction():
        services.set_closed(leader, post.id, True)
    assert ">Closed<" in the_row(reader, post)
    member.display_name = "Maxim Member"
    db.session.commit()
    assert "Maxim Member" in the_row(reader, post)


def test_what_is_new_to_one_reader_is_not_shown_to_another(world, login):
    leader, member, employee = (world.users[r] for r in ("leader", "member", "employee"))
    post = make_post(member, world.community)
    make_reply(leader, post)
    newcomer, replier = login(employee), login(leader)
    assert ">New<" in the_row(newcomer, post)
    assert ">New<" not in the_row(replier, post)  # the same row, read by its replier
    newcomer.post(post_url(post, "/read"))  # read it ("Mark as read")
    assert ">New<" not in the_row(newcomer, post)
    make_reply(member, post, "Another one")
    assert "1 new reply" in the_row(newcomer, post)
    assert "1 new reply" in the_row(replier, post)
    replier.post(post_url(post, "/read"))
    assert "new repl" not in the_row(replier, post) and "1 new reply" in the_row(newcomer, post)


def test_a_question_shows_when_it_is_answered(world, login):
    leader, member = world.users["leader"], world.users["member"]
    question = make_post(member, world.community, PostKind.QUESTION, "Which tracker?")
    reply = make_reply(leader, question, "Jira")
    reader = login(leader)
    assert "Answered" not in the_row(reader, question)
    accept(member, reply)
    assert "Answered" in the_row(reader, question)
    assert "Accepted answer" in the_head(reader, reply)


def test_a_kept_reply_shows_its_edit_and_each_reader_their_own_clock(world, login):
    leader, member = world.users["leader"], world.users["member"]
    post = make_post(member, world.community)
    reply = make_reply(leader, post, "First words")
    reader = login(member)
    assert "First words" in the_head(reader, reply) and "edited" not in the_head(reader, reply)
    with commands.transaction():
        services.edit_reply(leader, reply.id, "Second words")
    head = the_head(reader, reply)
    assert "Second words" in head and "First words" not in head and "edited" in head

    far = make_user("far@example.com", "Far Away")
    far.time_zone = "Pacific/Kiritimati"  # UTC+14: another day than most of the world
    communities.join_community(far, world.community)
    db.session.commit()
    times = {
        person.email: re.search(r'#reply-\d+">([^<]+)</a>', the_head(login(person), reply)).group(1)
        for person in (member, far)
    }
    assert len(set(times.values())) == 2


def test_a_kept_reply_follows_the_readers_language(world, login):
    leader, member = world.users["leader"], world.users["member"]
    post = make_post(member, world.community)
    reply = make_reply(leader, post)
    with commands.transaction():
        services.edit_reply(leader, reply.id, "Changed")
    reader = login(member)
    assert "· edited" in the_head(reader, reply)
    reader.post("/language", data={"language": "uk", "next": "/"})
    assert "· edited" not in the_head(reader, reply)


def test_long_replies_are_not_kept_and_the_keys_do_not_hold_their_bodies(app, world, login):
    """A reader could fill the store with long replies read in many zones: a reply's
    body is a digest in its key, and a head longer than the store takes is drawn each
    time."""
    member = world.users["member"]
    post = make_post(member, world.community)
    long_reply = make_reply(member, post, "- я\n" * 5_000)
    short_reply = make_reply(member, post, "Short")
    store = app.extensions["kept_fragments"]
    store.clear()
    assert "я" in the_head(login(member), long_reply)
    kept = list(store._html.items())
    assert all(len(html) <= fragments.LONGEST_KEPT for _key, html in kept)
    assert any(f'id="reply-{short_reply.id}"' in html for _key, html in kept)
    assert all(len(repr(key)) < 2_000 for key, _html in kept)
