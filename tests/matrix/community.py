"""Community routes in the permission matrix."""

from community import services
from core.extensions import db
from tests.matrix import FORBIDDEN, NOT_FOUND, Case, no_args, only, signed_in, with_bad_form

LEADERS = ("leader", "admin")


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _archived(world) -> dict:
    return {"slug": world.objects["archived"].slug}


def _pending(world) -> dict:
    return {"slug": world.approval_community.slug, "membership_id": world.objects["pending"].id}


def _member(world) -> dict:
    membership = services.current_membership(world.users["member"], world.community)
    return {"slug": world.community.slug, "membership_id": membership.id}


def _channel(world) -> dict:
    return {"slug": world.community.slug, "channel_id": world.objects["channel"].id}


CASES = [
    Case("community.directory", "GET", no_args, signed_in()),
    Case("community.create", "GET", no_args, only("admin")),
    Case("community.create", "POST", no_args, with_bad_form(only("admin"))),
    Case("community.show", "GET", _slug, signed_in()),
    Case(
        "community.show", "GET", _archived, only(*LEADERS, otherwise=NOT_FOUND), variant="archived"
    ),
    Case("community.members", "GET", _slug, signed_in()),
    Case("community.edit", "GET", _slug, only(*LEADERS)),
    Case("community.edit", "POST", _slug, only(*LEADERS)),
    Case("community.archive", "POST", _slug, only("admin")),
    Case(
        "community.restore",
        "POST",
        _archived,
        {**only("admin", otherwise=NOT_FOUND), "leader": FORBIDDEN},  # leaders still see it
    ),
    Case("community.join", "POST", _slug, signed_in()),
    Case(
        "community.join",
        "POST",
        _archived,
        {**only(otherwise=NOT_FOUND), "leader": FORBIDDEN, "admin": FORBIDDEN},
        variant="archived",
    ),
    Case("community.leave", "POST", _slug, signed_in()),
    Case("community.approve", "POST", _pending, only(*LEADERS)),
    Case("community.reject", "POST", _pending, only(*LEADERS)),
    Case("community.change_role", "POST", _member, only(*LEADERS), data={"role": "leader"}),
    Case("community.channels", "GET", _slug, only(*LEADERS)),
    Case("community.channels", "POST", _slug, with_bad_form(only(*LEADERS))),
    Case("community.add_snapshot", "POST", _channel, with_bad_form(only(*LEADERS))),
    Case("community.remove_channel", "POST", _channel, only(*LEADERS)),
]


def prepare(world) -> None:
    leader, admin = world.users["leader"], world.users["admin"]
    world.objects["pending"] = services.join_community(
        world.users["employee"], world.approval_community
    )
    world.objects["channel"] = services.add_channel(
        world.community, "Facebook group", "https://facebook.example/groups/pm"
    )
    archived = services.create_community(
        admin, name="Old Guild", kind=world.community.kind, leader=leader
    )
    services.archive_community(admin, archived)
    world.objects["archived"] = archived
    db.session.commit()
