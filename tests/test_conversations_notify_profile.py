"""A person's page lists their recent posts: visible ones, in communities the viewer may
read, the newest first, at a fixed cost."""

import pytest
from flask import g

from community import services as communities
from conversations.models import ContentState
from conversations.readers import readable_communities
from core.extensions import db
from core.permissions import can
from tests.conftest import make_community
from tests.conversations_notify_support import add_posts, new_post, statements_of_page


def posts_section(client, person) -> str:
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    return page[page.index("Recent posts") :]


def test_a_profile_lists_the_persons_posts_the_viewer_may_read(world, login):
    leader = world.users["leader"]
    new_post(leader, world.community, title="Open community post")
    new_post(leader, world.approval_community, title="QA members' post")
    new_post(leader, world.community, title="Held one", state=ContentState.HELD, publish=False)

    seen_by_employee = posts_section(login(world.users["employee"]), leader)
    assert "Open community post" in seen_by_employee
    assert "QA members&#39; post" not in seen_by_employee and "Held one" not in seen_by_employee
    assert f"/communities/{world.community.slug}/posts/" in seen_by_employee

    seen_by_leader = posts_section(login(leader), leader)
    assert "QA members&#39; post" in seen_by_leader and "Held one" not in seen_by_leader
    assert "No posts you can read yet." in posts_section(login(leader), world.users["member"])


def test_a_profile_shows_the_newest_five_at_a_fixed_cost(world, login, count_queries):
    leader = world.users["leader"]
    client = login(world.users["member"])

    def statements_with(posts: int) -> int:
        add_posts(leader, world.community, posts, title="Numbered {n:03}")
        return statements_of_page(client, f"/people/{leader.id}", count_queries)

    assert statements_with(2) == statements_with(200)
    section = posts_section(client, leader)
    assert section.count("Numbered ") == 5 and "Numbered 199" in section


@pytest.mark.parametrize("role", ["employee", "member", "leader", "smm", "admin"])
def test_readable_communities_agree_with_the_read_rule(world, role):
    admin = world.users["admin"]
    archived = make_community(world.users["leader"], "Old Guild")
    communities.archive_community(admin, archived)
    db.session.commit()
    user = world.users[role]
    ids = set(db.session.execute(readable_communities(user)).scalars())
    for community in (world.community, world.approval_community, archived):
        g.pop("_current_memberships", None)
        assert (community.id in ids) == can(user, "conversations.read", community), community
