"""conversations/readers.py says in SQL what `conversations.read` says person by person:
the two agree for every role, in open, approval and archived communities."""

import pytest
from flask import g
from sqlalchemy import select

from accounts.models import User
from community import services as communities
from conversations.readers import readers_clause
from core.extensions import db
from core.permissions import can
from tests.conftest import make_community

SIGNED_IN = ("employee", "member", "leader", "smm", "admin")


def readers(community) -> set[int]:
    return set(db.session.execute(select(User.id).where(readers_clause(community))).scalars())


@pytest.mark.parametrize("which", ["open", "approval", "archived"])
def test_readers_in_sql_agree_with_the_read_rule(world, which):
    leader = world.users["leader"]
    community = {"open": world.community, "approval": world.approval_community}.get(which)
    if community is None:
        community = make_community(leader, "Old Guild")
        communities.join_community(world.users["member"], community)
        db.session.commit()
        communities.archive_community(world.users["admin"], community)
        db.session.commit()
    found = readers(community)
    for role in SIGNED_IN:
        g.pop("_current_memberships", None)
        user = world.users[role]
        assert (user.id in found) == can(user, "conversations.read", community), role


def test_a_deactivated_account_reads_nothing(world):
    member = world.users["member"]
    member.active = False
    db.session.commit()
    assert member.id not in readers(world.community)
