"""A community's logo and cover image: leaders upload them on the edit page (re-encoded, cut
to a square and a wide strip), everyone who may see the community sees them on its card and
its page, a community without them shows its initials, and leaders remove them asking first."""

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from core.extensions import db
from tests.test_image_bombs import png_bomb

SLUG = "/communities/project-managers"


@pytest.fixture(autouse=True)
def own_uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def picture(size=(300, 200), fmt="PNG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "purple").save(buffer, format=fmt)
    return buffer.getvalue()


def upload(client, which: str, data: bytes, name="picture.png"):
    body, length, boundary = stream_encode_multipart(
        MultiDict({which: FileStorage(BytesIO(data), name)}), use_tempfile=False
    )
    return client.post(
        f"{SLUG}/{which}/upload",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def stored(app, folder: str) -> list[Path]:
    path = Path(app.config["UPLOAD_DIR"]) / folder
    return sorted(path.iterdir()) if path.exists() else []


def test_a_leader_uploads_a_logo_cut_square_and_everyone_sees_it(app, world, login):
    leader = login(world.users["leader"])
    assert upload(leader, "logo", picture((300, 200))).status_code == 302
    db.session.refresh(world.community)
    name = world.community.logo_file
    with Image.open(Path(app.config["UPLOAD_DIR"]) / "community-logos" / name) as image:
        assert image.size == (200, 200)

    employee = login(world.users["employee"])
    directory = employee.get("/communities/").get_data(as_text=True)
    assert f"{SLUG}/logo?size=thumb&amp;v={name[:8]}" in directory
    page = employee.get(SLUG).get_data(as_text=True)
    assert f"{SLUG}/logo?size=thumb" in page
    logo = employee.get(f"{SLUG}/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/png"


def test_a_cover_is_cut_to_a_wide_strip_and_shown_as_the_pages_banner(app, world, login):
    leader = login(world.users["leader"])
    assert upload(leader, "cover", picture((1000, 1000), "JPEG"), "c.jpg").status_code == 302
    db.session.refresh(world.community)
    with Image.open(stored(app, "community-covers")[0]) as image:
        assert image.size[0] == 4 * image.size[1]
    page = login(world.users["member"]).get(SLUG).get_data(as_text=True)
    assert 'class="community-banner' in page and f"{SLUG}/cover?v=" in page


def test_without_pictures_the_card_shows_the_initials(world, login):
    directory = login(world.users["employee"]).get("/communities/").get_data(as_text=True)
    assert ">PM</span>" in directory and "community-cover" not in directory
    assert login(world.users["employee"]).get(f"{SLUG}/logo").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"GIF89a" + b"\0" * 64, "logo.gif", "JPEG, PNG or WebP"),
        (png_bomb(20_000, 20_000), "bomb.png", "too large"),
    ],
    ids=["gif", "bomb"],
)
def test_a_refused_logo_gets_a_message_beside_the_field(app, world, login, data, name, message):
    response = upload(login(world.users["leader"]), "logo", data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    after = page.split('id="logo"', 1)[1]
    assert message in after.split("invalid-feedback", 1)[1].split("</div>", 1)[0]
    assert stored(app, "community-logos") == []


def test_only_leaders_upload_and_remove(world, login):
    member = login(world.users["member"])
    assert upload(member, "logo", picture()).status_code == 403
    assert member.post(f"{SLUG}/logo/remove").status_code == 403


def test_removing_asks_first_then_deletes_the_files(app, world, login):
    leader = login(world.users["leader"])
    upload(leader, "logo", picture())
    upload(leader, "logo", picture((50, 50)))  # a new logo replaces the old one's files
    assert len(stored(app, "community-logos")) == 2
    asked = leader.get(f"{SLUG}/logo/remove").get_data(as_text=True)
    assert "Remove the logo of Project Managers?" in asked
    assert leader.post(f"{SLUG}/logo/remove").status_code == 302
    db.session.refresh(world.community)
    assert world.community.logo_file is None and stored(app, "community-logos") == []
