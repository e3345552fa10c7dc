"""Likes on posts and replies: one per person, counted beside the button, "Unlike", and
safe when one person's clicks arrive at once."""

from sqlalchemy import func, select

from accounts.models import User
from community import services as communities
from conversations import engagement
from conversations.models import Post, Reaction, Reply
from core.extensions import db
from tests.conftest import make_user
from tests.conversations_support import make_post, make_reply, post_url
from tests.test_events_concurrency import run_together


def _likes() -> int:
    return db.session.execute(select(func.count()).select_from(Reaction)).scalar_one()


def test_like_and_unlike_a_post(world, login):
    post = make_post(world.users["member"], world.community)
    client = login(world.users["leader"])
    assert ">Like<" in client.get(post_url(post)).get_data(as_text=True)
    client.post(post_url(post, "/like"), data={"liked": "1"})
    client.post(post_url(post, "/like"), data={"liked": "1"})
    page = client.get(post_url(post)).get_data(as_text=True)
    assert ">Unlike<" in page and "1 like" in page and _likes() == 1
    client.post(post_url(post, "/like"), data={"liked": "0"})
    assert _likes() == 0 and db.session.get(Post, post.id).like_count == 0


def test_like_a_reply_and_the_count_is_beside_it(world, login):
    post = make_post(world.users["member"], world.community)
    reply = make_reply(world.users["leader"], post)
    client = login(world.users["member"])
    response = client.post(post_url(post, f"/replies/{reply.id}/like"), data={"liked": "1"})
    assert response.location.endswith(f"#reply-{reply.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "1 like" in page and db.session.get(Reply, reply.id).like_count == 1


def test_people_outside_the_community_cannot_like(world, login):
    post = make_post(world.users["member"], world.community)
    assert login(world.users["employee"]).post(post_url(post, "/like")).status_code == 403
    assert ">Like<" not in login(world.users["employee"]).get(post_url(post)).get_data(as_text=True)
    assert _likes() == 0


def test_many_people_and_double_clicks_at_once_leave_one_like_each(app, world):
    post = make_post(world.users["member"], world.community)
    people = [make_user(f"fan{n}@example.com") for n in range(10)]
    for person in people:
        communities.join_community(person, world.community)
    db.session.commit()
    ids, post_id = [person.id for person in people], post.id

    def liking(user_id):
        return lambda: engagement.set_liked(db.session.get(User, user_id), Post, post_id, True)

    assert run_together(app, [liking(i) for i in ids for _ in range(3)]) == []
    assert _likes() == 10 and db.session.get(Post, post_id).like_count == 10
