"""Two full matrix worlds side by side, and the rows that belong to one of them.

Tests of cross-community access (tests/test_idor.py, tests/test_hostile_input.py)
act as people of one world with the ids of the other and check that the other
world's rows are untouched. Both worlds are built by the matrix's own
`prepare` functions, so objects a feature adds there are in both worlds.
"""

from dataclasses import dataclass

from sqlalchemy import or_, select

from accounts.models import User
from community.models import Community
from core.extensions import db
from initiatives.models import Participant
from tests.conftest import World
from tests.matrix import build_matrix_world

FOREIGN = "Far"


@dataclass
class TwoWorlds:
    own: World
    foreign: World
    foreign_community_ids: list[int]
    foreign_user_ids: list[int]


def _set_names_aside() -> None:
    """Rename what the matrix world names with fixed unique values (people's and
    communities' names, addresses, slugs), so the same world can be built again."""
    for community in db.session.scalars(select(Community)):
        community.name = f"{FOREIGN} {community.name}"[:120]
        community.slug = f"{FOREIGN.lower()}-{community.slug}"[:140]
    for user in db.session.scalars(select(User)):
        user.email = f"{FOREIGN.lower()}.{user.email}"
        user.display_name = f"{FOREIGN} {user.display_name}"[:120]
    for participant in db.session.scalars(select(Participant)):
        participant.email = f"{FOREIGN.lower()}.{participant.email}"
    db.session.commit()


def build_two_worlds() -> TwoWorlds:
    """The foreign world first (its names then set aside), then the own one."""
    foreign = build_matrix_world()
    _set_names_aside()
    community_ids = list(db.session.scalars(select(Community.id)))
    user_ids = list(db.session.scalars(select(User.id)))
    own = build_matrix_world()
    return TwoWorlds(own, foreign, community_ids, user_ids)


def object_ids(world: World) -> list[str]:
    """Every id (and slug) of the world's communities and objects, as a form would send it."""
    found: set[str] = set()

    def add(value) -> None:
        if isinstance(value, dict):
            for inner in value.values():
                add(inner)
        elif hasattr(value, "id"):
            found.add(str(value.id))
            if getattr(value, "slug", None):
                found.add(value.slug)

    add(world.objects)
    add({"a": world.community, "b": world.approval_community})
    return sorted(found)


def rows_of_communities(community_ids, user_ids=()) -> dict[str, list[tuple]]:
    """Every row that hangs off these communities through foreign keys (memberships,
    events and their registrations, initiatives, catalog items, leads, briefs and their
    posts, assets, comments…), plus the given users' own rows, sorted for comparison.

    Users and site-wide tables are not followed: one community's rows never reach
    another's through them.
    """
    owned: dict[str, set] = {"communities": set(community_ids)}
    rows: dict[str, list[tuple]] = {}
    grew = True
    while grew:
        grew = False
        for table in db.metadata.sorted_tables:
            if table.name in ("communities", "users"):
                continue
            links = [
                key.parent.in_(owned[key.column.table.name])
                for key in table.foreign_keys
                if owned.get(key.column.table.name)
            ]
            if not links:
                continue
            found = db.session.execute(select(table).where(or_(*links))).all()
            rows[table.name] = sorted(map(tuple, found), key=repr)
            if "id" in table.c:
                ids = {row._mapping["id"] for row in found}
                if not ids <= owned.get(table.name, set()):
                    owned.setdefault(table.name, set()).update(ids)
                    grew = True
    for name, ids in (("communities", community_ids), ("users", user_ids)):
        table = db.metadata.tables[name]
        found = db.session.execute(select(table).where(table.c.id.in_(list(ids)))).all()
        rows[name] = sorted(map(tuple, found), key=repr)
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() | after.keys()
                  if before.get(name) != after.get(name))  # fmt: skip
