"""An image description typed on a post's form is saved or refused beside the field, never
dropped while the page says the changes are saved."""

from sqlalchemy import select

from conversations import watched_words
from conversations.models import ContentState, Post, WatchedWordAction
from core import commands
from core.extensions import db
from tests.conversations_support import post_url
from tests.test_conversations_images import (  # noqa: F401  (own_uploads: a fixture)
    field_error,
    new_post,
    own_uploads,
    picture,
    send,
    upload,
)


def edit(client, post, **fields):
    return send(client, post_url(post, "/edit"), {"title": post.title, "body": post.body, **fields})


def test_the_edit_form_shows_the_images_description_and_saves_a_new_one(world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture()), upload(picture())], caption="Books on the stall")
    post = db.session.execute(select(Post)).scalar_one()
    assert 'value="Books on the stall"' in member.get(post_url(post, "/edit")).get_data(
        as_text=True
    )
    assert edit(member, post, caption="The stall at noon").status_code == 302
    db.session.expire_all()
    assert [image.caption for image in post.images] == ["The stall at noon"] * 2
    assert post.edited_at is not None


def test_a_description_without_images_is_refused_beside_the_field(world, login):
    member = login(world.users["member"])
    response = new_post(member, [], caption="A lovely stall")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the images it describes" in field_error(page, "caption")
    assert 'value="A lovely stall"' in page
    assert db.session.execute(select(Post)).first() is None


def test_a_watched_word_in_a_changed_description_holds_the_post_again(world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture())], caption="Books")
    post = db.session.execute(select(Post)).scalar_one()
    with commands.transaction():
        watched_words.add_watched_word(world.users["admin"], "casino", WatchedWordAction.HOLD)
    assert edit(member, post, caption="Casino night").status_code == 302
    db.session.expire_all()
    assert post.state == ContentState.HELD and post.images[0].caption == "Casino night"
