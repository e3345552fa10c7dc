"""The moderation queue shows a held post's images: a leader approves what readers will see,
not only its words."""

from sqlalchemy import select

from conversations.models import ContentState, Post
from core.extensions import db
from tests.conversations_support import make_post, make_reply
from tests.nu_checker import nu_errors
from tests.test_conversations_images import new_post, own_uploads, picture, upload  # noqa: F401

QUEUE = "/communities/project-managers/moderation"


def test_the_queue_shows_a_held_posts_images_to_the_leader(world, login):
    world.community.hold_first_posts = 1
    db.session.commit()
    new_post(login(world.users["member"]), [upload(picture())], caption="Our stall at noon")
    post = db.session.execute(select(Post)).scalar_one()
    assert post.state == ContentState.HELD
    image = post.images[0]

    page = login(world.users["leader"]).get(QUEUE).get_data(as_text=True)
    src = f"/communities/project-managers/posts/{post.id}/images/{image.id}?size=thumb"
    assert f'src="{src}"' in page and 'alt="Our stall at noon"' in page
    assert login(world.users["leader"]).get(src).status_code == 200


def test_reject_asks_with_the_posts_images_in_view(world, login):
    new_post(login(world.users["member"]), [upload(picture())], caption="Our stall at noon")
    post = db.session.execute(select(Post)).scalar_one()
    page = login(world.users["leader"]).get(f"{QUEUE}/post/{post.id}/reject").get_data(as_text=True)
    assert 'alt="Our stall at noon"' in page


def test_the_queue_and_confirmation_with_images_are_valid_html(world, login):
    world.community.hold_first_posts = 1
    db.session.commit()
    new_post(login(world.users["member"]), [upload(picture())], caption="Our stall at noon")
    post = db.session.execute(select(Post)).scalar_one()
    leader = login(world.users["leader"])
    urls = (QUEUE, f"{QUEUE}/post/{post.id}/reject", f"{QUEUE}/post/{post.id}/spam")
    assert nu_errors({url: leader.get(url).get_data(as_text=True) for url in urls}) == []


def test_the_queue_links_each_item_to_where_it_is_read(world, login):
    post = make_post(world.users["leader"], world.community)
    world.community.hold_first_posts = 1
    db.session.commit()
    reply = make_reply(world.users["member"], post, "Cheap watches here")
    held = make_post(world.users["member"], world.community, title="Held one")
    page = login(world.users["leader"]).get(QUEUE).get_data(as_text=True)
    thread = f"/communities/project-managers/posts/{post.id}"
    assert f'href="{thread}?before={reply.id + 1}#reply-{reply.id}"' in page
    assert f'href="/communities/project-managers/posts/{held.id}"' in page
    there = login(world.users["leader"]).get(f"{thread}?before={reply.id + 1}")
    assert "Cheap watches here" in there.get_data(as_text=True)
