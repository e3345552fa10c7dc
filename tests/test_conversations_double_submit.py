"""A form sent twice (a double click, a page sent again) makes one reply or one post, one
after the other and at the same moment (PostgreSQL and SQLite); saying the same thing
again in a new form still posts it."""

import threading

from sqlalchemy import func, select

from conversations.models import Post, Reply
from core.extensions import db
from tests.conversations_notify_support import new_post

TOKEN = "Zr6dFq1x0Hq8r2Vb_k-3aQ"


def replies_url(world, post) -> str:
    return f"/communities/{world.community.slug}/posts/{post.id}/replies"


def new_post_url(world) -> str:
    return f"/communities/{world.community.slug}/posts/new"


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count(model.id))).scalar_one()


def post_together(app, user, url: str, data: dict, times: int = 2) -> list[int]:
    """The same form POSTed by `times` requests at once; their status codes."""
    clients = [app.test_client(user=user) for _ in range(times)]
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Barrier(times)
    statuses: list[int] = []

    def send(client):
        start.wait()
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=send, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return statuses


def test_the_reply_form_shows_a_one_time_token(world, login):
    post = new_post(world.users["leader"], world.community)
    client = login(world.users["member"])
    url = f"/communities/{world.community.slug}/posts/{post.id}"
    first, second = (client.get(url).get_data(as_text=True) for _ in range(2))
    assert 'name="submit_token"' in first
    token = first.split('name="submit_token"')[1].split('value="')[1].split('"')[0]
    assert len(token) >= 16 and token not in second


def test_a_reply_form_sent_twice_makes_one_reply(world, login):
    post = new_post(world.users["leader"], world.community)
    client = login(world.users["member"])
    data = {"body": "Turn the Ship Around!", "submit_token": TOKEN}
    first = client.post(replies_url(world, post), data=data)
    again = client.post(replies_url(world, post), data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]  # to the one reply
    assert count(Reply) == 1
    assert db.session.get(Post, post.id).reply_count == 1


def test_the_same_words_in_a_new_form_are_a_new_reply(world, login):
    post = new_post(world.users["leader"], world.community)
    client = login(world.users["member"])
    for token in ("first-form", "second-form"):
        client.post(replies_url(world, post), data={"body": "+1", "submit_token": token})
    assert count(Reply) == 2


def test_a_bad_token_is_refused_beside_the_form(world, login):
    post = new_post(world.users["leader"], world.community)
    client = login(world.users["member"])
    data = {"body": "Hello", "submit_token": "<script>"}
    response = client.post(replies_url(world, post), data=data)
    assert response.status_code == 400 and "Reload the page" in response.get_data(as_text=True)
    assert count(Reply) == 0


def test_a_post_form_sent_twice_makes_one_post(world, login):
    client = login(world.users["member"])
    data = {"kind": "question", "title": "PMBOK 7?", "body": "", "submit_token": TOKEN}
    first = client.post(new_post_url(world), data=data)
    again = client.post(new_post_url(world), data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Post) == 1


def test_a_reply_form_sent_twice_at_once_makes_one_reply(app, world):
    post = new_post(world.users["leader"], world.community)
    post_id, url = post.id, replies_url(world, post)
    data = {"body": "Turn the Ship Around!", "submit_token": TOKEN}
    statuses = post_together(app, world.users["member"], url, data)
    assert statuses == [302, 302]
    assert count(Reply) == 1
    assert db.session.get(Post, post_id).reply_count == 1


def test_a_post_form_sent_twice_at_once_makes_one_post(app, world):
    data = {"kind": "discussion", "title": "Книги", "body": "", "submit_token": TOKEN}
    statuses = post_together(app, world.users["member"], new_post_url(world), data)
    assert statuses == [302, 302]
    assert count(Post) == 1
