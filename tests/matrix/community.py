"""Community routes in the permission matrix."""

from io import BytesIO

from PIL import Image

from community import pictures, services
from core import commands
from core.extensions import db
from tests.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    Case,
    everyone,
    no_args,
    only,
    signed_in,
    with_bad_form,
)

LEADERS = ("leader", "admin")


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _archived(world) -> dict:
    return {"slug": world.objects["archived"].slug}


def _public(world) -> dict:
    return {"slug": world.approval_community.slug}


def _pending(world) -> dict:
    return {"slug": world.approval_community.slug, "membership_id": world.objects["pending"].id}


def _member(world) -> dict:
    membership = services.current_membership(world.users["member"], world.community)
    return {"slug": world.community.slug, "membership_id": membership.id}


def _channel(world) -> dict:
    return {"slug": world.community.slug, "channel_id": world.objects["channel"].id}


def _picture(which: str, community: str = ""):
    def args(world) -> dict:
        shown = world.objects[community] if community else world.community
        return {"slug": shown.slug, "which": which}

    return args


CASES = [
    Case("community.directory", "GET", no_args, signed_in()),
    Case("community.picture", "GET", _picture("logo"), signed_in()),
    Case(
        "community.picture",
        "GET",
        _picture("cover", "archived"),
        only(*LEADERS, otherwise=NOT_FOUND),
        variant="archived",
    ),
    Case("community.upload_picture", "POST", _picture("logo"), with_bad_form(only(*LEADERS))),
    Case("community.remove_picture", "GET", _picture("cover"), only(*LEADERS)),  # asks first
    Case("community.remove_picture", "POST", _picture("cover"), only(*LEADERS)),
    Case("community.create", "GET", no_args, only("admin")),
    Case("community.create", "POST", no_args, with_bad_form(only("admin"))),
    Case("community.show", "GET", _slug, signed_in()),
    Case(
        "community.show", "GET", _archived, only(*LEADERS, otherwise=NOT_FOUND), variant="archived"
    ),
    Case("community.members", "GET", _slug, signed_in()),
    # The public page: anyone once it is on; while it is off, its leaders' preview, and
    # everyone else is sent on to the community page (which signs in, or answers 404).
    Case("community.public_show", "GET", _public, everyone()),
    Case("community.public_show", "GET", _slug, everyone(), variant="off"),
    Case("community.public_show", "GET", _archived, everyone(), variant="archived"),
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
    # Irreversible steps answer GET with a page that asks first.
    Case("community.remove_channel", "GET", _channel, only(*LEADERS)),
    Case("community.leave", "GET", _slug, signed_in()),
    Case("community.reject", "GET", _pending, only(*LEADERS)),
    Case("community.archive", "GET", _slug, only("admin")),
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
    archived.public_page = True  # an archived community has no public page all the same
    world.objects["archived"] = archived
    world.approval_community.public_page = True
    db.session.commit()
    for community, which in ((world.community, "logo"), (archived, "cover")):
        with commands.transaction():
            pictures.set_picture(admin, community.id, which, BytesIO(_PNG))


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


_PNG = _png()
