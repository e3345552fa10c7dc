"""Posts in a community: the "New post" form, kinds, announcements pinned, held posts,
editing and deleting, pins and closes, and bad input."""

import pytest
from sqlalchemy import func, select

from community import services as communities
from conversations import moderation
from conversations.models import ContentState, Post, PostKind, Reply
from core.errors import DomainError
from core.extensions import db
from core.signals import post_published
from tests.conftest import make_user
from tests.conversations_support import make_post, make_reply, post_url


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_member_posts_a_question_and_sees_it(world, login):
    member = login(world.users["member"])
    page = member.get("/communities/project-managers/posts/new").get_data(as_text=True)
    assert "Kind" in page and "Title" in page and "Body" in page and ">Post<" in page
    assert "Announcement" not in page  # members may not announce
    response = member.post(
        "/communities/project-managers/posts/new",
        data={"kind": "question", "title": "Is PMBOK 7 worth it?", "body": "Any **views**?"},
    )
    post = db.session.execute(select(Post)).scalar_one()
    assert response.status_code == 302 and response.location.endswith(f"/posts/{post.id}")
    assert (
        post.kind == PostKind.QUESTION and post.body_html == "<p>Any <strong>views</strong>?</p>\n"
    )
    page = member.get(response.location).get_data(as_text=True)
    assert "Is PMBOK 7 worth it?" in page and "<strong>views</strong>" in page


def test_a_leaders_announcement_is_pinned_and_may_be_unpinned(world, login):
    leader = login(world.users["leader"])
    assert "Announcement" in leader.get("/communities/project-managers/posts/new").get_data(
        as_text=True
    )
    leader.post(
        "/communities/project-managers/posts/new",
        data={"kind": "announcement", "title": "Book sale on Friday", "body": "Come!"},
    )
    post = db.session.execute(select(Post)).scalar_one()
    assert post.pinned
    page = leader.get(post_url(post)).get_data(as_text=True)
    assert ">Unpin<" in page
    leader.post(post_url(post, "/pin"), data={"pinned": "0"})
    db.session.refresh(post)
    assert not post.pinned


def test_a_member_cannot_announce_even_by_forging_the_form(world, login):
    response = login(world.users["member"]).post(
        "/communities/project-managers/posts/new",
        data={"kind": "announcement", "title": "Free pizza", "body": ""},
    )
    assert response.status_code == 400 and _count(Post) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "discussion", "title": "", "body": "x"}, "Give the post a title."),
        ({"kind": "discussion", "title": "x" * 201, "body": ""}, "Field cannot be longer"),
        ({"kind": "discussion", "title": "Long", "body": "x" * 20001}, "Field cannot be longer"),
        ({"kind": "poll", "title": "Wrong kind", "body": ""}, "Not a valid choice"),
    ],
)
def test_bad_posts_are_refused_beside_their_field(world, login, data, message):
    response = login(world.users["member"]).post(
        "/communities/project-managers/posts/new", data=data
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _count(Post) == 0


def test_people_outside_the_community_cannot_post(world, login):
    response = login(world.users["employee"]).post(
        "/communities/project-managers/posts/new", data={"kind": "discussion", "title": "Hi"}
    )
    assert response.status_code == 403 and _count(Post) == 0


def test_a_held_post_awaits_approval_for_its_author_and_is_invisible_to_others(
    world, login, monkeypatch
):
    monkeypatch.setattr(
        moderation, "screen_new_content", lambda *a, **k: (ContentState.HELD, "First post")
    )
    sent = []
    post_published.connect(receiver := lambda sender, **kw: sent.append(sender))
    try:
        post = make_post(world.users["member"], world.community, title="Hello everyone")
    finally:
        post_published.disconnect(receiver)
    assert post.state == ContentState.HELD and sent == []
    author = login(world.users["member"])
    # Said once, beside the title (not again among the buttons).
    assert author.get(post_url(post)).get_data(as_text=True).count("Awaiting approval") == 1
    listing = author.get("/communities/project-managers/posts").get_data(as_text=True)
    assert "Hello everyone" in listing and "Awaiting approval" in listing
    other = login(world.users["employee"])
    assert other.get(post_url(post)).status_code == 404
    assert "Hello everyone" not in other.get("/communities/project-managers/posts").get_data(
        as_text=True
    )
    assert "Hello everyone" not in other.get("/communities/project-managers").get_data(as_text=True)


def test_a_visible_post_is_announced_once(world):
    sent = []
    post_published.connect(receiver := lambda sender, **kw: sent.append((sender, kw)))
    try:
        post = make_post(world.users["member"], world.community)
    finally:
        post_published.disconnect(receiver)
    assert sent == [(post, {"actor": world.users["member"]})]


def test_a_refusal_from_screening_is_shown_beside_the_form(world, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise DomainError("Posting is paused for you.")

    monkeypatch.setattr(moderation, "screen_new_content", refuse)
    response = login(world.users["member"]).post(
        "/communities/project-managers/posts/new", data={"kind": "discussion", "title": "Hi"}
    )
    assert response.status_code == 400 and "Posting is paused for you." in response.get_data(
        as_text=True
    )
    assert _count(Post) == 0


def test_the_author_edits_their_post_and_it_says_edited(world, login):
    post = make_post(world.users["member"], world.community)
    author = login(world.users["member"])
    assert "edited" not in author.get(post_url(post)).get_data(as_text=True)
    response = author.post(post_url(post, "/edit"), data={"title": "Better title", "body": "New"})
    assert response.status_code == 302
    page = author.get(post_url(post)).get_data(as_text=True)
    assert "Better title" in page and "edited" in page


def test_others_cannot_edit_or_delete_a_post_but_leaders_can(world, login):
    post = make_post(world.users["member"], world.community)
    communities.join_community(other := make_user("o@example.com", "Oleh"), world.community)
    db.session.commit()
    assert login(other).post(post_url(post, "/edit"), data={"title": "X"}).status_code == 403
    assert login(other).post(post_url(post, "/delete")).status_code == 403
    leader = login(world.users["leader"])
    assert leader.post(post_url(post, "/edit"), data={"title": "Tidied"}).status_code == 302
    assert leader.post(post_url(post, "/delete")).status_code == 302
    assert _count(Post) == 0


def test_deleting_a_post_deletes_its_replies(world, login):
    post = make_post(world.users["member"], world.community)
    make_reply(world.users["leader"], post)
    login(world.users["member"]).post(post_url(post, "/delete"))
    assert _count(Post) == 0 and _count(Reply) == 0


def test_a_closed_post_takes_no_replies_until_reopened(world, login):
    post = make_post(world.users["member"], world.community)
    leader = login(world.users["leader"])
    leader.post(post_url(post, "/close"), data={"closed": "1"})
    member = login(world.users["member"])
    page = member.get(post_url(post)).get_data(as_text=True)
    assert "it takes no more replies" in page and "Your reply" not in page
    assert member.post(post_url(post, "/replies"), data={"body": "Late"}).status_code == 403
    leader.post(post_url(post, "/close"), data={"closed": "0"})
    assert member.post(post_url(post, "/replies"), data={"body": "Now"}).status_code == 302


def test_members_cannot_pin_or_close(world, login):
    post = make_post(world.users["member"], world.community)
    member = login(world.users["member"])
    assert member.post(post_url(post, "/pin")).status_code == 403
    assert member.post(post_url(post, "/close")).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/communities/project-managers/posts/999",
        "/communities/project-managers/posts/99999999999",
        "/communities/nowhere/posts",
        "/communities/project-managers/posts/1/replies/999/edit",
    ],
)
def test_bogus_ids_are_not_found(world, login, path):
    make_post(world.users["member"], world.community)
    assert login(world.users["member"]).get(path).status_code == 404


def test_a_post_is_not_found_under_another_community(world, login):
    post = make_post(world.users["member"], world.community)
    response = login(world.users["leader"]).get(f"/communities/qa-guild/posts/{post.id}")
    assert response.status_code == 404


def test_an_approval_communitys_conversations_are_for_members_only(world, login):
    post = make_post(world.users["leader"], world.approval_community, title="Test plans")
    assert login(world.users["employee"]).get(post_url(post)).status_code == 403
    assert login(world.users["leader"]).get(post_url(post)).status_code == 200


def test_delete_asks_first_and_keep_it_goes_back(world, login):
    post = make_post(world.users["member"], world.community, title="Spring plans")
    make_reply(world.users["leader"], post)
    page = login(world.users["member"]).get(post_url(post, "/delete")).get_data(as_text=True)
    assert "Delete this post?" in page and "with its 1 reply" in page and "Keep it" in page
    assert _count(Post) == 1


def test_a_person_removed_as_spam_can_no_longer_post_reply_or_like(world, login):
    from conversations.models import PostingBan

    post = make_post(world.users["leader"], world.community)
    member = world.users["member"]
    db.session.add(PostingBan(community_id=world.community.id, user_id=member.id))
    db.session.commit()
    client = login(member)
    new = client.post(
        "/communities/project-managers/posts/new", data={"kind": "discussion", "title": "Buy"}
    )
    assert new.status_code == 403
    assert client.post(post_url(post, "/replies"), data={"body": "Buy now"}).status_code == 403
    assert client.post(post_url(post, "/like")).status_code == 403
    assert _count(Post) == 1 and _count(Reply) == 0
