"""An edit of a post that was deleted meanwhile is refused in words, never an error page."""

import pytest

from conversations import services
from core import commands
from core.errors import DomainError
from tests.conversations_support import make_post


def test_editing_a_post_deleted_meanwhile_is_refused_in_words(world):
    member = world.users["member"]
    post = make_post(member, world.community)
    post_id = post.id
    with commands.transaction():
        services.delete_post(member, post_id)
    with pytest.raises(DomainError, match="no longer here"), commands.transaction():
        services.edit_post(member, post_id, "New title", "New words")
