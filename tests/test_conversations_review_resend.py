"""A form brought back by the Back button, changed and sent again, keeps its new words: they
are refused with a word of explanation and a new token, never dropped for what the form
made the first time."""

from sqlalchemy import select

from conversations.models import Post, Reply
from core.extensions import db
from tests.conversations_notify_support import new_post

TOKEN = "Zr6dFq1x0Hq8r2Vb_k-3aQ"
NEW = "/communities/project-managers/posts/new"


def token_in(page: str) -> str:
    return page.split('name="submit_token"')[1].split('value="')[1].split('"')[0]


def test_a_post_form_sent_again_with_other_words_keeps_them(world, login):
    client = login(world.users["member"])
    first = {"kind": "discussion", "title": "Books?", "body": "Which?", "submit_token": TOKEN}
    assert client.post(NEW, data=first).status_code == 302
    again = client.post(NEW, data={**first, "body": "Which ones on leadership?"})
    page = again.get_data(as_text=True)
    assert again.status_code == 400
    assert "already sent once, with other words" in page
    assert "Which ones on leadership?" in page and token_in(page) != TOKEN
    resent = client.post(NEW, data={**first, "body": "Which ones on leadership?",
                                    "submit_token": token_in(page)})  # fmt: skip
    assert resent.status_code == 302
    bodies = db.session.execute(select(Post.body).order_by(Post.id)).scalars().all()
    assert bodies == ["Which?", "Which ones on leadership?"]


def test_a_post_token_sent_to_another_community_does_not_open_the_first_post(world, login):
    client = login(world.users["leader"])
    sent = {"kind": "discussion", "title": "Books?", "body": "Which?", "submit_token": TOKEN}
    assert client.post(NEW, data=sent).status_code == 302
    response = client.post("/communities/qa-guild/posts/new", data=sent)
    assert response.status_code == 400
    assert db.session.execute(select(Post.community_id)).scalars().all() == [world.community.id]


def test_a_reply_form_sent_again_with_other_words_keeps_them(world, login):
    post = new_post(world.users["leader"], world.community)
    url = f"/communities/{world.community.slug}/posts/{post.id}/replies"
    client = login(world.users["member"])
    assert client.post(url, data={"body": "Try this.", "submit_token": TOKEN}).status_code == 302
    again = client.post(url, data={"body": "Try that, too.", "submit_token": TOKEN})
    page = again.get_data(as_text=True)
    assert again.status_code == 400 and "already sent once, with other words" in page
    assert "Try that, too." in page and token_in(page) != TOKEN
    assert db.session.execute(select(Reply.body)).scalars().all() == ["Try this."]
