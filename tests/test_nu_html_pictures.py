"""The pages that show and take pictures (a post's images, a community's logo and cover) are
valid HTML for the W3C Nu checker, in English and Ukrainian, with and without pictures,
and with the upload forms showing their errors."""

from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from community import pictures
from conversations import post_images
from conversations.models import Post
from core import commands
from core.extensions import db
from tests.conversations_support import make_post, post_url
from tests.nu_checker import describe, nu_errors

PM = "/communities/project-managers"
LANGUAGES = ("en", "uk")


@pytest.fixture(autouse=True)
def own_uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def png() -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", (200, 100), "teal").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def refused(client, url: str, fields: dict, field: str, language: str) -> str:
    """The page a refused upload answers with (a GIF where a picture is wanted)."""
    gif = FileStorage(BytesIO(b"GIF89a" + b"\0" * 64), "picture.gif")
    body, length, boundary = stream_encode_multipart(
        MultiDict({**fields, field: gif}), use_tempfile=False
    )
    response = client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Accept-Language": language},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is-invalid" in page, url
    return page


def test_pages_with_pictures_are_valid_html(app, world):
    leader, member = world.users["leader"], world.users["member"]
    for which in ("logo", "cover"):
        with commands.transaction():
            pictures.set_picture(leader, world.community.id, which, png())
    post = make_post(member, world.community, title="Our book stall")
    with commands.transaction():
        post = db.session.get(Post, post.id)
        post_images.change_images(post, [png(), png()], caption="Books on the stall")
    plain = make_post(member, world.community, title="No pictures")
    post = db.session.execute(select(Post).where(Post.id == post.id)).scalar_one()

    pages = {}
    for language in LANGUAGES:
        headers = {"Accept-Language": language}
        for who, client, paths in [
            ("member", app.test_client(user=member), [
                "/communities/", PM, f"{PM}/posts", post_url(post), post_url(plain),
                f"{PM}/posts/new",
                post_url(post, "/edit"), "/communities/qa-guild",
            ]),
            ("leader", app.test_client(user=leader), [f"{PM}/edit", "/communities/qa-guild/edit"]),
        ]:  # fmt: skip
            for path in paths:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, path
                pages[f"{language} {who} {path}"] = response.get_data(as_text=True)
        client = app.test_client(user=member)
        new = {"kind": "discussion", "title": "Typed", "body": "Kept"}
        pages[f"{language} refused new post"] = refused(
            client, f"{PM}/posts/new", new, "images", language
        )
        leader_client = app.test_client(user=leader)
        pages[f"{language} refused logo"] = refused(
            leader_client, f"{PM}/logo/upload", {}, "logo", language
        )

    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} Nu HTML checker errors:\n{describe(errors)}"
