"""An outsider's attacks on conversations: reading what one may not, acting on others'
content, odd input, and what moderation leaves behind (issue 19's review)."""

import pytest
from sqlalchemy import select

from community import services as communities
from conversations import decisions
from conversations.models import (
    ContentReport,
    ContentState,
    Post,
    PostKind,
    Reply,
    WatchedWordAction,
)
from conversations.watched_words import add_watched_word
from core import commands
from core.extensions import db
from search import services as search
from search.index import search_index
from tests.conversations_support import accept, make_post, make_reply, post_url


def found(user, text: str) -> set[str]:
    return {result.title.striptags() for result in search.search(user, text).results}


def test_posts_removed_as_spam_are_no_longer_found_by_search(world):
    search_index().rebuild()
    spammer = world.users["member"]
    post = make_post(spammer, world.community, title="Cheap watches", body="Buy now")
    other = make_post(world.users["leader"], world.community, title="Team offsite")
    make_reply(spammer, other, body="Discount rolex here")
    employee = world.users["employee"]
    assert found(employee, "watches") == {"Cheap watches"}
    assert found(employee, "rolex") == {"Team offsite"}

    with commands.transaction():
        decisions.remove_as_spam(world.users["leader"], db.session.get(Post, post.id))

    assert found(employee, "watches") == set()
    assert found(employee, "rolex") == set()
    assert found(world.users["admin"], "watches") == {"Cheap watches"}


# --- watched words hold for edits too ---------------------------------------------------


@pytest.fixture
def watched(world):
    with commands.transaction():
        add_watched_word(world.users["admin"], "casino", WatchedWordAction.REFUSE)
        add_watched_word(world.users["admin"], "crypto", WatchedWordAction.HOLD)
    return world


def test_an_edit_cannot_say_a_watched_word_that_refuses(watched, login):
    member = watched.users["member"]
    post = make_post(member, watched.community, title="Hello", body="Fine words")
    reply = make_reply(member, post, body="Fine reply")
    client = login(member)

    response = client.post(post_url(post, "/edit"), data={"title": "Casino night", "body": "x"})
    assert response.status_code == 400 and "not allowed here" in response.get_data(as_text=True)
    response = client.post(
        post_url(post, f"/replies/{reply.id}/edit"), data={"body": "Come to the casino"}
    )
    assert response.status_code == 400 and "not allowed here" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (post.title, reply.body) == ("Hello", "Fine reply")


def test_an_edit_with_a_watched_word_that_holds_waits_for_a_leader_again(watched, login):
    member = watched.users["member"]
    post = make_post(member, watched.community, title="Hello", body="Fine words")
    reply = make_reply(member, post, body="Fine reply")
    client = login(member)

    client.post(post_url(post, f"/replies/{reply.id}/edit"), data={"body": "Buy crypto"})
    response = client.post(post_url(post, "/edit"), data={"title": "Crypto tips", "body": "x"})
    assert "awaiting approval" in client.get(response.location).get_data(as_text=True)

    db.session.expire_all()
    assert post.state == ContentState.HELD and reply.state == ContentState.HELD
    assert post.reply_count == 0
    assert login(watched.users["employee"]).get(post_url(post)).status_code == 404


def test_words_edited_out_of_a_reply_are_no_longer_found(world, login):
    search_index().rebuild()
    member = world.users["member"]
    post = make_post(world.users["leader"], world.community, title="Team offsite")
    reply = make_reply(member, post, body="Call me on 0501234567")
    employee = world.users["employee"]
    assert found(employee, "0501234567") == {"Team offsite"}

    login(member).post(post_url(post, f"/replies/{reply.id}/edit"), data={"body": "Write to me"})

    assert found(employee, "0501234567") == set()
    assert found(employee, "write") == {"Team offsite"}


# --- an accepted answer taken down -------------------------------------------------------


def test_a_question_whose_accepted_answer_is_hidden_is_unanswered_until_it_is_restored(
    world, login
):
    asker, leader = world.users["member"], world.users["leader"]
    question = make_post(asker, world.community, kind=PostKind.QUESTION, title="PMBOK 7?")
    answer = make_reply(leader, question, body="Chapter 2.")
    accept(asker, answer)
    unanswered = f"/communities/{world.community.slug}/posts?filter=unanswered"
    reader = login(world.users["employee"])
    assert "PMBOK 7?" not in reader.get(unanswered).get_data(as_text=True)

    with commands.transaction():
        decisions.hide(world.users["admin"], db.session.get(Reply, answer.id))
    assert "PMBOK 7?" in reader.get(unanswered).get_data(as_text=True)

    with commands.transaction():
        decisions.restore(world.users["admin"], db.session.get(Reply, answer.id))
    assert "PMBOK 7?" not in reader.get(unanswered).get_data(as_text=True)
    assert "Chapter 2." in reader.get(post_url(question)).get_data(as_text=True)


def test_a_leader_cannot_remove_an_admin_as_spam_but_an_admin_may_remove_a_leader(world, login):
    admin, leader = world.users["admin"], world.users["leader"]
    communities.join_community(admin, world.community)
    db.session.commit()
    by_admin = make_post(admin, world.community, title="Site news")
    by_leader = make_post(leader, world.community, title="Meetup")
    base = f"/communities/{world.community.slug}/moderation/post"

    page = login(leader).get(f"/communities/{world.community.slug}/posts/{by_admin.id}")
    assert login(leader).get(f"{base}/{by_admin.id}/spam").status_code == 403
    assert login(leader).post(f"{base}/{by_admin.id}/spam").status_code == 403
    db.session.expire_all()
    assert by_admin.state == ContentState.VISIBLE and page.status_code == 200
    assert login(admin).get(f"{base}/{by_leader.id}/spam").status_code == 200


def test_a_new_member_cannot_post_past_the_hold_by_posting_twice(world, login):
    with commands.transaction():
        world.community.hold_first_posts = 1
    client = login(world.users["member"])
    new = f"/communities/{world.community.slug}/posts/new"
    for title in ("Hello all", "Cheap watches"):
        client.post(new, data={"kind": "discussion", "title": title, "body": "x"})

    states = db.session.execute(select(Post.state)).scalars().all()
    assert states == [ContentState.HELD, ContentState.HELD]


def test_a_person_removed_as_spam_cannot_report_to_mail_the_leaders(world, login):
    spammer = world.users["member"]
    spam = make_post(spammer, world.community, title="Cheap watches")
    other = make_post(world.users["leader"], world.community, title="Meetup")
    with commands.transaction():
        decisions.remove_as_spam(world.users["leader"], db.session.get(Post, spam.id))

    report = f"/communities/{world.community.slug}/post/{other.id}/report"
    response = login(spammer).post(report, data={"reason": "Buy cheap watches at …"})

    assert response.status_code == 403
    assert db.session.execute(select(ContentReport)).first() is None
