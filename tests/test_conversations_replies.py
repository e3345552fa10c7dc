"""Replies: the form that names its post, quoting, the paged thread, held replies,
editing and deleting, and the post's kept figures."""

import pytest
from sqlalchemy import insert, select

from conversations import moderation, queries
from conversations.models import ContentState, Post, Reply
from core.extensions import db
from core.models import utcnow
from core.signals import reply_published
from tests.conftest import make_user
from tests.conversations_support import make_post, make_reply, post_url


@pytest.fixture
def post(world):
    return make_post(world.users["member"], world.community, title="Books on leadership?")


def test_the_reply_form_names_the_post_and_a_reply_joins_the_thread(world, login, post):
    leader = login(world.users["leader"])
    page = leader.get(post_url(post)).get_data(as_text=True)
    assert "Reply to “Books on leadership?”" in page and "Your reply" in page
    response = leader.post(post_url(post, "/replies"), data={"body": "Read *Turn the Ship*"})
    reply = db.session.execute(select(Reply)).scalar_one()
    assert response.status_code == 302 and response.location.endswith(f"#reply-{reply.id}")
    page = leader.get(response.location).get_data(as_text=True)
    assert "<em>Turn the Ship</em>" in page and "1 reply" in page
    db.session.refresh(post)
    assert post.reply_count == 1 and post.first_reply_at == reply.created_at
    assert post.last_activity_at == reply.created_at


def test_a_visible_reply_is_announced_and_a_held_one_is_not(world, post, monkeypatch):
    sent = []
    reply_published.connect(receiver := lambda sender, **kw: sent.append((sender, kw)))
    try:
        reply = make_reply(world.users["leader"], post)
        monkeypatch.setattr(
            moderation, "screen_new_content", lambda *a, **k: (ContentState.HELD, "New member")
        )
        held = make_reply(world.users["leader"], post, "Held back")
    finally:
        reply_published.disconnect(receiver)
    assert sent == [(reply, {"actor": world.users["leader"]})]
    db.session.refresh(post)
    assert held.state == ContentState.HELD and post.reply_count == 1


def test_a_held_reply_awaits_approval_for_its_author_only(world, login, post, monkeypatch):
    monkeypatch.setattr(
        moderation, "screen_new_content", lambda *a, **k: (ContentState.HELD, "New member")
    )
    make_reply(world.users["leader"], post, "A link to my shop")
    author_page = login(world.users["leader"]).get(post_url(post)).get_data(as_text=True)
    assert "A link to my shop" in author_page and author_page.count("Awaiting approval") == 1
    other_page = login(world.users["member"]).get(post_url(post)).get_data(as_text=True)
    assert "A link to my shop" not in other_page


def test_empty_and_too_long_replies_are_refused_beside_the_field(world, login, post):
    member = login(world.users["member"])
    for body, message in [("", "Write something first."), ("x" * 20001, "cannot be longer")]:
        response = member.post(post_url(post, "/replies"), data={"body": body})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(select(Reply)).first() is None


def test_quote_prefills_the_reply_with_a_blockquote_without_javascript(world, login, post):
    reply = make_reply(world.users["leader"], post, "First line\nSecond line")
    page = login(world.users["member"]).get(post_url(post, f"?quote={reply.id}"))
    text = page.get_data(as_text=True)
    assert "&gt; Lena Leader wrote:\n&gt;\n&gt; First line\n&gt; Second line" in text
    # A forged or foreign quote quotes nothing, and never fails.
    for bogus in ["99999", "abc", "-1", "99999999999999"]:
        assert (
            login(world.users["member"]).get(post_url(post, f"?quote={bogus}")).status_code == 200
        )


def test_the_author_edits_a_reply_and_it_says_edited(world, login, post):
    reply = make_reply(world.users["leader"], post)
    leader = login(world.users["leader"])
    url = post_url(post, f"/replies/{reply.id}/edit")
    assert "Your reply" in leader.get(url).get_data(as_text=True)
    assert leader.post(url, data={"body": "Better"}).status_code == 302
    db.session.refresh(reply)
    assert reply.body == "Better" and reply.edited_at is not None
    assert login(world.users["member"]).post(url, data={"body": "Mine"}).status_code == 403


def test_deleting_a_reply_counts_the_post_again(world, login, post):
    first = make_reply(world.users["leader"], post, "One")
    make_reply(world.users["leader"], post, "Two")
    login(world.users["leader"]).post(post_url(post, f"/replies/{first.id}/delete"))
    db.session.refresh(post)
    assert post.reply_count == 1
    assert (
        login(world.users["member"]).post(post_url(post, "/replies/999/delete")).status_code == 404
    )


def test_a_reply_of_another_post_is_not_found_under_this_one(world, login, post):
    other = make_post(world.users["member"], world.community, title="Other")
    reply = make_reply(world.users["leader"], other)
    response = login(world.users["leader"]).post(post_url(post, f"/replies/{reply.id}/delete"))
    assert response.status_code == 404


def _many_replies(post, author, count: int) -> None:
    now = utcnow()
    db.session.execute(
        insert(Reply),
        [
            {"post_id": post.id, "author_id": author.id, "body": f"reply {n}",
             "body_html": f"<p>reply {n}</p>", "state": "visible", "created_at": now,
             "like_count": 0, "is_accepted": False}
            for n in range(count)
        ],
    )  # fmt: skip
    db.session.commit()


def test_the_thread_pages_by_id_forwards_backwards_and_to_the_latest(world, login, post):
    _many_replies(post, world.users["leader"], 120)
    first = queries.thread(post)
    assert len(first.replies) == 50 and first.earlier is None and first.later is not None
    second = queries.thread(post, after=first.later)
    assert second.replies[0].id == first.replies[-1].id + 1 and second.earlier is not None
    back = queries.thread(post, before=second.earlier)
    assert [r.id for r in back.replies] == [r.id for r in first.replies]
    latest = queries.thread(post, before=2**31 - 1)
    assert len(latest.replies) == 50 and latest.replies[-1].body == "reply 119"
    member = login(world.users["member"])
    for query in ["?latest=1", "?after=abc", "?before=-5", "?after=99999999999", "?page=9e99"]:
        assert member.get(post_url(post, query)).status_code == 200


def test_a_reply_to_a_missing_or_foreign_post_is_not_found(world, login):
    member = login(world.users["member"])
    response = member.post("/communities/project-managers/posts/12345/replies", data={"body": "x"})
    assert response.status_code == 404
    foreign = make_post(world.users["leader"], world.approval_community)
    response = member.post(
        f"/communities/project-managers/posts/{foreign.id}/replies", data={"body": "x"}
    )
    assert response.status_code == 404
    assert db.session.get(Post, foreign.id).reply_count == 0


def test_outsiders_see_the_thread_but_are_asked_to_join_to_reply(world, login, post):
    make_reply(world.users["leader"], post, "Welcome")
    page = login(world.users["employee"]).get(post_url(post)).get_data(as_text=True)
    assert "Welcome" in page and "Join the community to reply." in page
    assert 'action="/communities/project-managers/join"' in page  # joining is one click away
    assert "Your reply" not in page
    assert (
        login(make_user("x@example.com"))
        .post(post_url(post, "/replies"), data={"body": "x"})
        .status_code
        == 403
    )
