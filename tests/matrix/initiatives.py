"""Initiative routes in the permission matrix, the public pages included."""

from io import BytesIO

from PIL import Image

from core.extensions import db
from initiatives import catalog_items, editing, participants, reservations
from initiatives.models import InitiativeKind, InitiativeStatus, ItemCondition
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
INITIATIVE_FORM = {
    "title": "Summer reading",
    "kind": "catalog",
    "status": "active",
    "currency": "UAH",
    "categories": "Leadership\nPMBOK",
    "reservation_days": "7",
}


def _objects(world) -> dict:
    return world.objects["initiatives"]


def _catalog(world) -> dict:
    return {"initiative_id": _objects(world)["catalog"].id}


def _general(world) -> dict:
    return {"initiative_id": _objects(world)["general"].id}


def _draft(world) -> dict:
    return {"initiative_id": _objects(world)["draft"].id}


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _item(name):
    def args(world) -> dict:
        return {**_catalog(world), "item_id": _objects(world)[name].id}

    return args


def draft_only_for_leaders() -> dict:
    return only(*LEADERS, otherwise=NOT_FOUND)


def public_draft() -> dict:
    return {**dict.fromkeys(("visitor", "employee", "member", "smm"), NOT_FOUND),
            "leader": "allowed", "admin": "allowed"}  # fmt: skip


OUTSIDER = {"name": "Olha Outside", "email": "olha@elsewhere.example", "consent": "y"}

CASES = [
    Case("initiatives.create", "GET", _slug, only(*LEADERS)),
    Case("initiatives.create", "POST", _slug, only(*LEADERS), data=INITIATIVE_FORM),
    Case("initiatives.show", "GET", _catalog, signed_in()),
    Case("initiatives.show", "GET", _draft, draft_only_for_leaders(), variant="draft"),
    Case("initiatives.edit", "GET", _catalog, only(*LEADERS)),
    Case("initiatives.edit", "POST", _catalog, only(*LEADERS), data=INITIATIVE_FORM),
    Case("initiatives.edit", "GET", _draft, draft_only_for_leaders(), variant="draft"),
    Case("initiatives.offer", "GET", _catalog, signed_in()),
    Case(
        "initiatives.offer",
        "POST",
        _catalog,
        signed_in(),
        data={"title": "Drive", "category": "Leadership", "condition": "good"},
    ),
    Case(
        "initiatives.offer",
        "GET",
        _draft,
        {**draft_only_for_leaders(), "leader": FORBIDDEN, "admin": FORBIDDEN},  # not open yet
        variant="draft",
    ),
    Case("initiatives.request_item", "GET", _item("available"), signed_in()),
    Case(
        "initiatives.request_item", "POST", _item("available"), signed_in(), data={"pledged": "300"}
    ),
    Case("initiatives.confirm", "GET", _item("reserved"), only(*LEADERS)),
    Case("initiatives.confirm", "POST", _item("reserved"), only(*LEADERS), data={"amount": "350"}),
    Case("initiatives.release", "POST", _item("reserved"), only(*LEADERS)),
    # Anyone may ask; only the holder's reservation is cancelled (others get a refusal).
    Case("initiatives.cancel_reservation", "POST", _item("reserved"), signed_in()),
    Case("initiatives.withdraw", "POST", _item("available"), only(*LEADERS)),
    Case("initiatives.withdraw", "GET", _item("available"), only(*LEADERS)),  # asks first
    Case("initiatives.approve", "POST", _item("pending"), only(*LEADERS)),
    Case("initiatives.cover", "GET", _item("covered"), everyone()),
    Case(
        "initiatives.cover",
        "GET",
        _item("pending"),
        {**only(*LEADERS, otherwise=NOT_FOUND), "visitor": NOT_FOUND},
        variant="pending",
    ),  # fmt: skip
    Case("initiatives.import_items", "GET", _catalog, only(*LEADERS)),
    Case("initiatives.import_items", "POST", _catalog, with_bad_form(only(*LEADERS))),
    Case(
        "initiatives.confirm_import",
        "POST",
        _catalog,
        only(*LEADERS),
        data={"csv_text": "title,author,category,condition\nScrum,Jeff Sutherland,PMBOK,good\n"},
    ),
    Case("initiatives.show", "GET", _general, signed_in(), variant="general"),
    Case("initiatives.join_interest", "POST", _general, signed_in()),
    Case("initiatives.withdraw_interest", "POST", _general, signed_in()),
    # A book exchange has no "I'm in" (its books are the way in); a draft is not seen.
    Case("initiatives.join_interest", "POST", _catalog, only(), variant="catalog"),  # fmt: skip
    Case(
        "initiatives.join_interest",
        "POST",
        _draft,
        {**only(otherwise=NOT_FOUND), "leader": FORBIDDEN, "admin": FORBIDDEN},
        variant="draft",
    ),  # fmt: skip
    Case("initiatives.leads", "GET", _catalog, only(*LEADERS)),
    Case("initiatives.leads_csv", "GET", _catalog, only(*LEADERS)),
    Case("initiatives.public_show", "GET", _catalog, everyone()),
    Case("initiatives.public_show", "GET", _draft, public_draft(), variant="draft"),
    Case("initiatives.public_offer", "GET", _catalog, everyone()),
    Case(
        "initiatives.public_offer",
        "POST",
        _catalog,
        everyone(),
        data={**OUTSIDER, "title": "Drive", "category": "Leadership", "condition": "good"},
    ),
    Case(
        "initiatives.public_offer",
        "GET",
        _draft,
        {**public_draft(), "leader": NOT_FOUND, "admin": NOT_FOUND},
        variant="draft",
    ),  # fmt: skip
    Case("initiatives.public_request", "GET", _item("available"), everyone()),
    Case(
        "initiatives.public_request",
        "POST",
        _item("available"),
        everyone(),
        data={**OUTSIDER, "pledged": "300"},
    ),
    Case("initiatives.public_interest", "GET", _catalog, everyone()),
    Case("initiatives.public_interest", "POST", _catalog, everyone(), data=OUTSIDER),
    Case("initiatives.participants", "GET", no_args, only("admin")),
    Case(
        "initiatives.forget_participant",
        "POST",
        lambda w: {"participant_id": _objects(w)["pending"].contributor_participant_id},
        only("admin"),
    ),
    Case(
        "initiatives.forget_participant",
        "GET",  # asks first
        lambda w: {"participant_id": _objects(w)["pending"].contributor_participant_id},
        only("admin"),
    ),
]


def _png() -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", (30, 40), "navy").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def prepare(world) -> None:
    leader = world.users["leader"]
    catalog = editing.create_initiative(
        leader,
        world.community,
        title="Charity Book Sale",
        kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE,
        is_public=True,
        beneficiary="Children's fund",
        categories="Leadership\nPMBOK",
    )
    draft = editing.create_initiative(
        leader, world.community, title="Next year's sale", kind=InitiativeKind.CATALOG,
        is_public=True,
    )  # fmt: skip

    def offer(title, **extra):
        return catalog_items.offer_item(
            catalog, title=title, category="Leadership", condition=ItemCondition.GOOD, **extra
        )

    general = editing.create_initiative(
        leader, world.community, title="Mentoring circle", kind=InitiativeKind.GENERAL,
        status=InitiativeStatus.ACTIVE, target=10,
    )  # fmt: skip
    objects = {
        "catalog": catalog,
        "draft": draft,
        "general": general,
        "available": offer("The Five Dysfunctions of a Team", user=leader),
        "reserved": offer("Drive", user=leader),
        "covered": offer("Radical Candor", user=leader, cover=_png()),
        "pending": offer(
            "Peopleware",
            outsider=participants.Outsider("Petro Outside", "petro@elsewhere.example"),
            cover=_png(),
        ),
    }
    db.session.commit()
    reservations.request_item(catalog.id, objects["reserved"].id, pledged=300, user=leader)
    db.session.commit()
    world.objects["initiatives"] = objects
