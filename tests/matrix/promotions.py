"""Promotion routes in the permission matrix.

A brief is private to its community's leaders and to SMM: anyone else gets a
404, including the leader of another community (the "other" variants).
"""

from accounts import services as accounts
from community import services as communities
from community.models import CommunityKind
from core.extensions import db
from promotions import assets, links
from promotions.models import BriefStatus
from tests.matrix import (
    ALLOWED,
    FORBIDDEN,
    NOT_FOUND,
    ROLES,
    Case,
    everyone,
    no_args,
    only,
    with_bad_form,
)
from tests.test_promotions_factories import brief_in, draft_brief

HIDDEN = {"employee": NOT_FOUND, "member": NOT_FOUND}
BRIEF_PEOPLE = {**only("leader", "smm", "admin"), **HIDDEN}
OTHER_COMMUNITY = {**only("smm", "admin", otherwise=NOT_FOUND)}
SMM_ONLY = {**only("smm", "admin"), **HIDDEN}
LEADERS_ONLY = {**only("leader", "admin"), **HIDDEN}


def _brief(key):
    return lambda world: {"brief_id": world.objects[key].id}


def _achievement(world) -> dict:
    return {"kind": "achievement", "ref": world.community.id}


def _asset(world) -> dict:
    brief = world.objects["promo_draft"]
    return {"brief_id": brief.id, "asset_id": world.objects["promo_asset"].id}


def _post(world) -> dict:
    post = world.objects["promo_post"]
    return {"brief_id": post.request_id, "post_id": post.id}


def _channel(world) -> dict:
    return {"channel_id": world.objects["promo_channel"].id}


CASES = [
    Case("promotions.queue", "GET", no_args, only("leader", "smm", "admin")),
    Case("promotions.calendar", "GET", no_args, only("leader", "smm", "admin")),
    # The old address of brief news: a permanent redirect to /notifications for anyone.
    Case("promotions.notifications", "GET", no_args, everyone()),
    Case("promotions.new", "GET", _achievement, only("leader", "admin")),
    Case("promotions.new", "POST", _achievement, only("leader", "admin"), data={"save": "1"}),
    Case("promotions.show", "GET", _brief("promo_submitted"), BRIEF_PEOPLE),
    Case("promotions.show", "GET", _brief("promo_other"), OTHER_COMMUNITY, variant="other"),
    Case("promotions.markdown", "GET", _brief("promo_submitted"), BRIEF_PEOPLE),
    Case("promotions.markdown", "GET", _brief("promo_other"), OTHER_COMMUNITY, variant="other"),
    Case("promotions.edit", "GET", _brief("promo_draft"), {**LEADERS_ONLY}),
    Case("promotions.edit", "POST", _brief("promo_draft"), LEADERS_ONLY, data={"save": "1"}),
    Case(
        "promotions.edit",
        "GET",
        _brief("promo_other_draft"),
        {**only("admin", otherwise=NOT_FOUND), "smm": FORBIDDEN},
        variant="other",
    ),  # fmt: skip
    Case(
        "promotions.change_status",
        "POST",
        _brief("promo_submitted"),
        SMM_ONLY,
        data={"to": "accepted"},
    ),
    Case(
        "promotions.change_status",
        "POST",
        _brief("promo_other"),
        {**OTHER_COMMUNITY},
        data={"to": "accepted"},
        variant="other",
    ),
    Case(
        "promotions.change_status",
        "POST",
        _brief("promo_draft"),
        {**only("leader", "admin"), **HIDDEN, "smm": FORBIDDEN},
        data={"to": "submitted"},
        variant="submit",
    ),
    Case("promotions.report", "POST", _brief("promo_submitted"), SMM_ONLY, data={"report": "x"}),
    Case(
        "promotions.comment",
        "POST",
        _brief("promo_submitted"),
        BRIEF_PEOPLE,
        data={"body": "Looks good."},
    ),  # fmt: skip
    Case(
        "promotions.comment",
        "POST",
        _brief("promo_other"),
        OTHER_COMMUNITY,
        data={"body": "Mine now?"},
        variant="other",
    ),  # fmt: skip
    Case("promotions.asset", "GET", _asset, BRIEF_PEOPLE),
    Case("promotions.remove_asset", "POST", _asset, LEADERS_ONLY | {"smm": FORBIDDEN}),
    Case("promotions.remove_asset", "GET", _asset, LEADERS_ONLY | {"smm": FORBIDDEN}),
    Case(
        "promotions.add_post",
        "POST",
        _brief("promo_accepted"),
        with_bad_form(SMM_ONLY),  # 2030 is outside the brief's publication window
        data={"channel": "1", "format": "story", "scheduled_at": "2030-01-01T10:00"},
    ),  # fmt: skip
    Case("promotions.edit_post", "GET", _post, SMM_ONLY),
    Case(
        "promotions.edit_post",
        "POST",
        _post,
        with_bad_form(SMM_ONLY),
        data={"channel": "", "format": "story", "scheduled_at": "2030-01-01T10:00"},
    ),  # fmt: skip
    Case("promotions.delete_post", "GET", _post, SMM_ONLY),
    Case("promotions.delete_post", "POST", _post, SMM_ONLY),
    Case("promotions.publication", "GET", _post, SMM_ONLY),
    Case(
        "promotions.publication",
        "POST",
        _post,
        SMM_ONLY,
        data={"published_url": "https://instagram.example/p/1", "reach": "10"},
    ),  # fmt: skip
    Case("promotions.outcome", "GET", _brief("promo_accepted"), BRIEF_PEOPLE),
    Case("promotions.outcome", "GET", _brief("promo_other"), OTHER_COMMUNITY, variant="other"),
    Case("promotions.final_report", "GET", _brief("promo_closed"), BRIEF_PEOPLE),
    Case("promotions.final_report_markdown", "GET", _brief("promo_closed"), BRIEF_PEOPLE),
    Case("promotions.final_report_csv", "GET", _brief("promo_closed"), BRIEF_PEOPLE),
    Case(
        "promotions.tick_step",
        "POST",
        lambda world: {"brief_id": world.objects["promo_accepted"].id, "position": 0},
        BRIEF_PEOPLE,
        data={"note": "Two reserve stories went out."},
    ),
    Case(
        "promotions.untick_step",
        "POST",
        lambda world: {"brief_id": world.objects["promo_accepted"].id, "position": 0},
        BRIEF_PEOPLE,
    ),
    Case(
        "promotions.tick_step",
        "POST",
        lambda world: {"brief_id": world.objects["promo_other"].id, "position": 0},
        {**only(otherwise=NOT_FOUND), "smm": FORBIDDEN, "admin": FORBIDDEN},  # not yet running
        data={"note": "Mine now?"},
        variant="other",
    ),
    Case(
        "promotions.create_link", "POST", _post, with_bad_form(SMM_ONLY), data={"target_path": ""}
    ),
    Case(
        "links.follow",
        "GET",
        lambda world: {"code": world.objects["promo_link"].code},
        {role: ALLOWED for role in ROLES},  # a tracked link is for anyone
    ),
    Case("promotions.channels", "GET", no_args, only("smm", "admin")),
    Case(
        "promotions.channels",
        "POST",
        no_args,
        only("admin"),
        data={"name": "Telegram", "requirements": ""},
    ),  # fmt: skip
    Case("promotions.edit_channel", "GET", _channel, only("smm", "admin")),
    Case(
        "promotions.edit_channel",
        "POST",
        _channel,
        only("smm", "admin"),
        data={"requirements": "Square images.", "name": "Instagram"},
    ),  # fmt: skip
]


def prepare(world) -> None:
    leader, smm = world.users["leader"], world.users["smm"]
    world.objects["promo_draft"] = draft_brief(leader, world.community)
    world.objects["promo_asset"] = assets.add_asset(
        leader, world.objects["promo_draft"], "photo.png", b"\x89PNG fake image"
    )
    world.objects["promo_submitted"] = brief_in(BriefStatus.SUBMITTED, leader, smm, world.community)
    accepted = brief_in(BriefStatus.SCHEDULED, leader, smm, world.community)
    world.objects["promo_accepted"] = accepted
    world.objects["promo_post"] = accepted.posts[0]
    world.objects["promo_channel"] = accepted.channels[0]
    world.objects["promo_link"] = links.create_link(smm, accepted.posts[0])
    world.objects["promo_closed"] = brief_in(BriefStatus.CLOSED, leader, smm, world.community)
    other_leader = accounts.create_user("otto@example.com", "Otto Other", "a good password 1")
    other = communities.create_community(
        other_leader, name="Designers", kind=CommunityKind.PRACTICE, leader=other_leader
    )
    db.session.commit()
    world.objects["promo_other"] = brief_in(BriefStatus.SUBMITTED, other_leader, smm, other)
    world.objects["promo_other_draft"] = draft_brief(other_leader, other)
    db.session.commit()
