"""Avatars and book covers follow their command, as post images do: a command that rolls
back keeps the old avatar's files and leaves no new file behind."""

from io import BytesIO

import pytest
from sqlalchemy import select

from accounts import profiles
from core import commands
from core.errors import DomainError
from core.extensions import db
from initiatives import covers
from tests.conftest import make_user
from tests.test_initiatives_support import image_file, uploads_fixture  # noqa: F401


def files(folder) -> list:
    return sorted(folder.iterdir()) if folder.exists() else []


def png() -> BytesIO:
    return BytesIO(image_file("PNG", (120, 80)).getvalue())


def test_a_rolled_back_avatar_change_keeps_the_old_avatar(app, uploads):
    person = make_user("ava@example.com")
    with commands.transaction():
        profiles.set_avatar(person.id, png())
    kept = files(uploads / "avatars")
    assert len(kept) == 2

    for change in (lambda: profiles.set_avatar(person.id, png()),
                   lambda: profiles.remove_avatar(person.id)):  # fmt: skip
        with pytest.raises(DomainError), commands.transaction():
            change()
            raise DomainError("refused later in the same command")
        assert files(uploads / "avatars") == kept


def test_a_rolled_back_cover_leaves_no_file(app, uploads):
    with pytest.raises(DomainError), commands.transaction():
        db.session.execute(select(1))  # a command has read something before its upload
        covers.save_cover(png())
        raise DomainError("refused later in the same command")
    assert files(uploads / "covers") == []
