"""Pictures on conversation posts: added on "New post" and on edit, checked and re-encoded
like every upload, removed by ticking a box, served only to those who may see the post,
and their files gone with the post."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from conversations import post_images, watched_words
from conversations.models import ContentState, Post, PostImage, WatchedWordAction
from conversations.post_images import MAX_POST_IMAGES
from core import commands
from core.extensions import db
from tests.conversations_support import make_post, post_url
from tests.test_image_bombs import png_bomb

NEW = "/communities/project-managers/posts/new"


@pytest.fixture(autouse=True)
def own_uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def picture(fmt="PNG", size=(60, 40), colour="teal") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.png") -> FileStorage:
    return FileStorage(BytesIO(data), name)


def send(client, url: str, fields: dict):
    """A multipart POST encoded in memory (the test client would otherwise leave a large
    body's temporary file open)."""
    body, length, boundary = stream_encode_multipart(MultiDict(fields), use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "post-images"
    return sorted(folder.iterdir()) if folder.exists() else []


def field_error(page: str, field: str = "images") -> str:
    after = page.split(f'id="{field}"', 1)[1]
    return after.split("invalid-feedback", 1)[1].split("</div>", 1)[0]


def new_post(client, images, **fields):
    data = {"kind": "discussion", "title": "Our book stall", "body": "Look at *this*.", **fields}
    data["images"] = images
    return send(client, NEW, data)


def test_a_member_posts_a_png_and_a_jpeg_and_everyone_sees_them(app, world, login):
    member = login(world.users["member"])
    response = new_post(
        member,
        [upload(picture()), upload(picture("JPEG"), "photo.jpg")],
        caption="Books on the stall",
    )
    post = db.session.execute(select(Post)).scalar_one()
    assert response.status_code == 302
    assert [image.caption for image in post.images] == ["Books on the stall"] * 2
    assert len(stored_files(app)) == 4  # each with its thumbnail

    page = login(world.users["employee"]).get(post_url(post)).get_data(as_text=True)
    first = post.images[0]
    assert f"/posts/{post.id}/images/{first.id}?size=thumb" in page
    assert 'alt="Books on the stall"' in page
    full = login(world.users["employee"]).get(post_url(post, f"/images/{first.id}"))
    assert full.status_code == 200 and full.mimetype == "image/png"
    assert full.headers["X-Content-Type-Options"] == "nosniff"


def test_without_a_caption_the_title_describes_the_images(world, login):
    new_post(login(world.users["member"]), [upload(picture())])
    post = db.session.execute(select(Post)).scalar_one()
    page = login(world.users["member"]).get(post_url(post)).get_data(as_text=True)
    assert 'alt="Image 1 of 1: Our book stall"' in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"GIF89a" + b"\0" * 64, "photo.gif", "JPEG, PNG or WebP"),
        (b"\0" * (2 * 1024 * 1024 + 10), "photo.png", "at most 2 MB"),
        (png_bomb(20_000, 20_000), "bomb.png", "too large"),
        (b"not an image at all", "photo.png", "not an image we can read"),
    ],
    ids=["gif", "too-big", "bomb", "broken"],
)
def test_a_refused_image_gets_a_message_beside_the_field_and_keeps_the_text(
    app, world, login, data, name, message
):
    response = new_post(login(world.users["member"]), [upload(data, name)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page)
    assert 'value="Our book stall"' in page and "Look at *this*." in page  # nothing lost
    assert db.session.execute(select(Post)).first() is None
    assert stored_files(app) == []


def test_a_refusal_after_a_good_image_leaves_no_file_behind(app, world, login):
    images = [upload(picture()), upload(b"not an image at all")]
    assert new_post(login(world.users["member"]), images).status_code == 400
    assert stored_files(app) == []


def test_a_post_holds_at_most_four_images(app, world, login):
    images = [upload(picture()) for _ in range(MAX_POST_IMAGES + 1)]
    response = new_post(login(world.users["member"]), images)
    assert response.status_code == 400
    assert "at most 4 images" in field_error(response.get_data(as_text=True))
    assert stored_files(app) == []


def test_an_edit_removes_a_ticked_image_after_the_commit_and_adds_new_ones(app, world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture()), upload(picture(colour="navy"))])
    post = db.session.execute(select(Post)).scalar_one()
    gone, kept = post.images
    edit = member.get(post_url(post, "/edit")).get_data(as_text=True)
    assert f'name="remove_images" value="{gone.id}"' in edit

    response = send(
        member,
        post_url(post, "/edit"),
        {
            "title": "Our book stall",
            "body": "Look.",
            "remove_images": [str(gone.id)],
            "images": [upload(picture("JPEG"), "new.jpg")],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [image.id for image in post.images][0] == kept.id and len(post.images) == 2
    names = {path.name for path in stored_files(app)}
    assert gone.file_name not in names and kept.file_name in names


def test_an_edit_may_not_go_over_four_images(app, world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture()) for _ in range(MAX_POST_IMAGES)])
    post = db.session.execute(select(Post)).scalar_one()
    response = send(
        member,
        post_url(post, "/edit"),
        {"title": "Typed again", "body": "Kept", "images": [upload(picture())]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "at most 4 images" in field_error(page)
    assert 'value="Typed again"' in page
    assert len(stored_files(app)) == 2 * MAX_POST_IMAGES


def test_deleting_a_post_deletes_its_image_files(app, world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture())])
    post = db.session.execute(select(Post)).scalar_one()
    assert len(stored_files(app)) == 2
    member.post(post_url(post, "/delete"))
    assert db.session.execute(select(PostImage)).first() is None
    assert stored_files(app) == []


def test_a_held_posts_images_are_hidden_from_those_who_cannot_see_it(world, login):
    new_post(login(world.users["member"]), [upload(picture())])
    post = db.session.execute(select(Post)).scalar_one()
    with commands.transaction():
        post.state = ContentState.HELD
    image_url = post_url(post, f"/images/{post.images[0].id}")
    assert login(world.users["employee"]).get(image_url).status_code == 404
    assert login(world.users["member"]).get(image_url).status_code == 200  # its author
    assert login(world.users["leader"]).get(image_url).status_code == 200


def test_an_approval_communitys_images_are_hidden_from_non_members(world, login):
    leader = world.users["leader"]
    post = make_post(leader, world.approval_community)
    with commands.transaction():
        post = db.session.get(Post, post.id)
        post_images.change_images(post, [BytesIO(picture())])
    image_url = post_url(post, f"/images/{post.images[0].id}")
    employee = login(world.users["employee"])
    # Refused as the post itself is: the conversations are for members only.
    assert employee.get(image_url).status_code == employee.get(post_url(post)).status_code == 403
    assert login(leader).get(image_url).status_code == 200


def test_an_image_of_another_post_is_not_found(world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture())])
    other = make_post(world.users["member"], world.community, title="Another")
    image = db.session.execute(select(PostImage)).scalar_one()
    assert member.get(post_url(other, f"/images/{image.id}")).status_code == 404


def test_a_watched_word_in_the_image_description_holds_the_post(world, login):
    with commands.transaction():
        watched_words.add_watched_word(world.users["admin"], "casino", WatchedWordAction.HOLD)
    new_post(login(world.users["member"]), [upload(picture())], caption="Casino night")
    post = db.session.execute(select(Post)).scalar_one()
    assert post.state == ContentState.HELD


@pytest.mark.parametrize("field", ["caption", "title"])
def test_a_refusing_word_is_named_beside_the_field_that_holds_it(world, login, field):
    with commands.transaction():
        watched_words.add_watched_word(world.users["admin"], "casino", WatchedWordAction.REFUSE)
    response = new_post(
        login(world.users["member"]), [upload(picture())], **{field: "Casino night"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and page.count("not allowed here") == 1
    assert "not allowed here" in field_error(page, field)
    invalid = re.findall(r'<(?:input|textarea)[^>]*class="[^"]*is-invalid[^>]*>', page)
    assert [re.search(r'id="(\w+)"', tag)[1] for tag in invalid] == [field]
    assert db.session.execute(select(Post)).first() is None


def test_the_list_shows_a_small_picture_of_a_posts_first_image(world, login):
    member = login(world.users["member"])
    new_post(member, [upload(picture()), upload(picture(colour="navy"))])
    make_post(world.users["member"], world.community, title="Words only")
    first = db.session.execute(select(PostImage).order_by(PostImage.id)).scalars().first()
    page = member.get("/communities/project-managers/posts").get_data(as_text=True)
    assert page.count('class="post-row-thumb') == 1
    assert f"/images/{first.id}?size=thumb" in page
