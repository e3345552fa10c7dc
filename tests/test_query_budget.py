"""The community pages cost a fixed number of SQL statements, whatever the data size."""

import pytest
from sqlalchemy import insert

from accounts.models import User
from community.models import Community, Membership
from core.extensions import db
from core.models import utcnow
from tests.conftest import make_community, make_user

# The pages' own (the community page's latest conversations and whether the person may
# post there among them), and the header's notification bell (one count).
BUDGET = 10 + 1


def bulk_people_and_communities(size: int):
    """`size` communities and `size` members of the first one, inserted in bulk."""
    leader = make_user("lead@example.com")
    community = make_community(leader)
    now = utcnow()
    db.session.execute(
        insert(Community),
        [
            {"name": f"Community {i}", "slug": f"community-{i}", "kind": "interest",
             "description": "", "join_policy": "open", "created_at": now}
            for i in range(size)
        ],
    )  # fmt: skip
    db.session.execute(
        insert(User),
        [
            {"email": f"user{i}@example.com", "display_name": f"User {i}", "is_admin": False,
             "is_smm": False, "active": True, "created_at": now}
            for i in range(size)
        ],
    )  # fmt: skip
    user_ids = db.session.execute(db.select(User.id).where(User.email.like("user%"))).scalars()
    db.session.execute(
        insert(Membership),
        [
            {"user_id": uid, "community_id": community.id, "role": "member", "status": "active",
             "requested_at": now, "joined_at": now}
            for uid in user_ids
        ],
    )  # fmt: skip
    db.session.commit()
    return leader, community


@pytest.mark.parametrize("size", [5, 500])
@pytest.mark.parametrize(
    "path",
    ["/communities/", "/communities/?kind=interest&page=2", "/communities/project-managers",
     "/communities/project-managers/members", "/me"],
)  # fmt: skip
def test_community_pages_stay_within_the_query_budget(login, count_queries, size, path):
    leader, _community = bulk_people_and_communities(size)
    client = login(leader)
    client.get(path)  # warm-up: the first request also loads the user
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    assert len(statements) <= BUDGET, "\n".join(statements)
