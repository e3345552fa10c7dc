"""Names that collide with routes still open their community, and a row the database
refuses is a conflict page, not an outage."""

import pytest
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from community import services as communities
from community.models import Community, CommunityKind
from core.extensions import db
from tests.conftest import make_user
from tests.test_bounds_support import people_fixture  # noqa: F401

# --- slugs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["New", "new", "NEW!"])
def test_a_community_named_like_a_route_gets_a_slug_that_opens(people, login, name):
    leader, _smm, admin, _community = people
    made = communities.create_community(
        admin, name=name, kind=CommunityKind.PRACTICE, leader=leader
    )
    db.session.commit()
    assert made.slug != "new"
    response = login(leader).get(f"/communities/{made.slug}")
    assert response.status_code == 200
    assert f"<h1>{name}" in response.text or f">{name}<" in response.text


def _rename(community, name):
    communities.update_community(
        community, name=name, kind=community.kind,
        description=community.description, join_policy=community.join_policy,
    )  # fmt: skip


def test_renaming_a_community_to_a_route_word_keeps_it_reachable(people, login):
    leader, _smm, admin, community = people
    _rename(community, "New")
    db.session.commit()
    assert community.slug != "new"
    assert login(leader).get(f"/communities/{community.slug}").status_code == 200


def test_every_static_route_under_communities_is_reserved(app):
    static = {
        rule.rule.split("/")[2]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/communities/") and "<" not in rule.rule.split("/")[2]
    } - {""}
    assert "new" in static and static <= communities.reserved_slugs()


# --- conflicts in the database -------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (IntegrityError, 409, "changed the same thing at the same moment"),
        (DataError, 400, "beyond what can be stored"),
        (OperationalError, 503, "cannot reach its database"),
    ],
)
def test_a_refused_row_is_a_conflict_and_only_an_outage_is_a_503(
    people, login, monkeypatch, error, status, message
):
    _leader, _smm, _admin, community = people
    member = make_user("max@example.com", "Max Member")

    def refused(*_args, **_kwargs):
        raise error("INSERT INTO memberships", {}, Exception("refused"))

    monkeypatch.setattr(communities, "join_community", refused)
    response = login(member).post(f"/communities/{community.slug}/join")
    assert response.status_code == status
    assert message in response.text


def test_community_slug_lookup_by_reserved_word_still_works_for_old_rows(people, login):
    """A community saved as `new` before the words were reserved: renamed on the next save."""
    leader, _smm, admin, community = people
    community.slug = "new"
    db.session.commit()
    _rename(community, community.name)
    db.session.commit()
    assert db.session.get(Community, community.id).slug != "new"
