"""Notifications: the kinds, who is told what, and how each person chose to be told."""

import pytest
from sqlalchemy import func, select

from community import services as communities
from community.models import Membership
from core import commands
from core.audit import AuditEntry
from core.extensions import db
from core.mail import OutgoingEmail
from initiatives import reservations
from initiatives.participants import Outsider
from notifications import registry, services
from notifications.kinds import JOIN_REQUEST, OUTSIDE_OFFER, REQUEST_APPROVED, REQUEST_DECLINED
from notifications.mail import text_of
from notifications.models import Delivery, DeliveryChoice, Notification
from notifications.registry import Kind
from tests.conftest import make_user
from tests.test_events_concurrency import run_together
from tests.test_initiatives_support import catalog_fixture, uploads_fixture  # noqa: F401
from tests.test_personal_data import download

HOME = services.Link("core.index")


def told(kind: str | None = None) -> list[tuple[str, str]]:
    """(recipient's e-mail, kind) of every notification, oldest first."""
    query = select(Notification).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    db.session.expire_all()
    return [(n.recipient.email, n.kind) for n in db.session.execute(query).scalars()]


def mailed() -> list[tuple[str, str]]:
    rows = db.session.execute(select(OutgoingEmail).order_by(OutgoingEmail.id)).scalars()
    return [(e.to_address, e.kind) for e in rows]


def choose(user, kind: str, delivery: Delivery) -> None:
    services.set_deliveries(user, {kind: delivery.value})
    db.session.commit()


def ask_to_join(world, person: str = "employee") -> Membership:
    membership = communities.join_community(world.users[person], world.approval_community)
    db.session.commit()
    return membership


# --- the registry ---------------------------------------------------------------------


def test_every_kind_the_issue_names_is_registered_with_a_label_and_a_default():
    names = {kind.name for kind in registry.kinds()}
    assert {
        "join_request", "request_approved", "request_declined", "waitlist_promotion",
        "reservation_confirmed", "reservation_expiring", "reservation_released",
        "donation_confirmed", "outside_offer", "event_changed", "event_cancelled",
        "brief_update", "mention", "reply",
    } <= names  # fmt: skip
    for kind in registry.kinds():
        assert str(kind.label) and (kind.email_only or kind.says("X") != str(kind.sentence))
        assert kind.default in Delivery and kind.audience in registry._audiences


def test_a_kind_cannot_be_registered_twice_with_other_settings():
    changed = Kind(JOIN_REQUEST.name, "Other", JOIN_REQUEST.sentence, Delivery.OFF, "person")
    with pytest.raises(ValueError):
        registry.register(changed)
    assert registry.register(JOIN_REQUEST) is JOIN_REQUEST  # the same again is harmless


def test_an_unknown_kind_is_a_programming_error(world):
    with pytest.raises(KeyError):
        services.notify([world.users["member"]], "no_such_kind", "x", HOME)


def test_leader_kinds_are_offered_only_to_leaders(world):
    offered = {k.name for k in registry.kinds_for(world.users["leader"])}
    assert {"join_request", "outside_offer", "brief_update"} <= offered
    employee = {k.name for k in registry.kinds_for(world.users["employee"])}
    assert "join_request" not in employee and "request_approved" in employee
    assert "brief_update" in {k.name for k in registry.kinds_for(world.users["smm"])}


# --- the community's signals ----------------------------------------------------------


def test_a_join_request_tells_the_communitys_leaders_at_once(world):
    ask_to_join(world)
    assert told() == [("leader@example.com", "join_request")]
    [notification] = db.session.execute(select(Notification)).scalars()
    assert text_of(notification) == "New request to join QA Guild · Emma Employee"
    assert services.unread_count(world.users["leader"]) == 1
    assert mailed() == [("leader@example.com", "notification.join_request")]


def test_asking_again_and_again_the_same_day_tells_the_leaders_once(world):
    """Asking, withdrawing and asking again is a person's right; each time mailing every
    leader at once is not: a signed-in person could fill their inboxes in a loop."""
    employee = world.users["employee"]
    for _ in range(5):
        ask_to_join(world)
        communities.leave_community(employee, world.approval_community)
        db.session.commit()
    ask_to_join(world)
    assert told(JOIN_REQUEST.name) == [("leader@example.com", "join_request")]
    assert mailed() == [("leader@example.com", "notification.join_request")]
    # The requests themselves are all there for the leader: the last one waits.
    assert [m.user for m in communities.pending_requests(world.approval_community)] == [employee]


def test_an_approval_tells_the_person_once(world):
    membership = ask_to_join(world)
    communities.approve_request(world.users["leader"], membership)
    db.session.commit()
    assert told(REQUEST_APPROVED.name) == [("employee@example.com", "request_approved")]
    [notification] = db.session.execute(
        select(Notification).where(Notification.kind == REQUEST_APPROVED.name)
    ).scalars()
    assert (notification.endpoint, notification.url_args) == (
        "community.show",
        {"slug": world.approval_community.slug},
    )


def test_a_declined_request_tells_the_person(world):
    membership = ask_to_join(world)
    communities.reject_request(world.users["leader"], membership)
    db.session.commit()
    assert told(REQUEST_DECLINED.name) == [("employee@example.com", "request_declined")]


def test_joining_an_open_community_tells_nobody(world):
    communities.join_community(world.users["employee"], world.community)
    db.session.commit()
    assert told() == []


def test_two_leaders_approving_at_once_tell_the_member_once(app, world):
    second = make_user("second@example.com", "Second Leader")
    communities.join_community(second, world.approval_community)
    db.session.commit()
    [pending] = communities.pending_requests(world.approval_community)
    communities.approve_request(world.users["leader"], pending)
    communities.set_member_role(world.users["leader"], pending, "leader")
    db.session.commit()
    membership_id = ask_to_join(world).id
    leader_ids = [world.users["leader"].id, second.id]

    def approve(leader_id):
        def action():
            with commands.transaction():
                membership = db.session.get(Membership, membership_id)
                leader = db.session.get(type(world.users["leader"]), leader_id)
                communities.approve_request(leader, membership)

        return action

    errors = run_together(app, [approve(leader_id) for leader_id in leader_ids])
    # The membership is locked first: the second approval finds the request handled.
    assert [str(error) for error in errors] == ["This request was already handled."], errors
    approvals = db.session.execute(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "membership.approve", AuditEntry.subject_id == membership_id)
    ).scalar_one()
    assert approvals == 1
    assert told(REQUEST_APPROVED.name).count(("employee@example.com", "request_approved")) == 1
    assert mailed().count(("employee@example.com", "notification.request_approved")) == 1


# --- the initiatives' signals ---------------------------------------------------------


def test_an_outside_offer_tells_the_leaders_and_a_reservation_the_reader(catalog):
    outsider = Outsider("Olha Outside", "olha@elsewhere.example")
    catalog.offer("Peopleware", user=None, outsider=outsider)
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged="400", user=catalog.employee)
    db.session.commit()
    assert told() == [
        (catalog.leader.email, OUTSIDE_OFFER.name),
        (catalog.employee.email, "reservation_confirmed"),
    ]


# --- each person's choice -------------------------------------------------------------


@pytest.mark.parametrize(
    ("delivery", "rows", "emails"),
    [
        (Delivery.IN_APP, 1, 0),
        (Delivery.EMAIL_NOW, 1, 1),
        (Delivery.DAILY_DIGEST, 1, 0),  # mailed by the digest
        (Delivery.OFF, 0, 0),
    ],
)
def test_each_delivery_tells_as_chosen(world, delivery, rows, emails):
    member = world.users["member"]
    choose(member, REQUEST_APPROVED.name, delivery)
    services.notify([member], REQUEST_APPROVED.name, "QA Guild", HOME)
    db.session.commit()
    assert len(told()) == rows
    assert len(mailed()) == emails
    if rows:
        assert db.session.execute(select(Notification.delivery)).scalar_one() == delivery


def test_without_a_choice_the_kinds_default_applies(world):
    member = world.users["member"]
    assert services.deliveries_of(member)[REQUEST_APPROVED.name] == REQUEST_APPROVED.default
    choose(member, REQUEST_APPROVED.name, Delivery.OFF)
    choose(member, REQUEST_APPROVED.name, Delivery.DAILY_DIGEST)  # changed, not added
    assert services.deliveries_of(member)[REQUEST_APPROVED.name] == Delivery.DAILY_DIGEST
    assert len(db.session.execute(select(DeliveryChoice)).all()) == 1


def test_a_choice_for_a_kind_not_offered_or_an_unknown_delivery_is_refused(world):
    employee = world.users["employee"]
    with pytest.raises(services.DomainError) as refused:
        services.set_deliveries(employee, {JOIN_REQUEST.name: "in_app"})  # not a leader
    assert refused.value.field == JOIN_REQUEST.name
    with pytest.raises(services.DomainError) as refused:
        services.set_deliveries(employee, {REQUEST_APPROVED.name: "pigeon"})
    assert refused.value.field == REQUEST_APPROVED.name


def test_a_deactivated_person_is_not_told(world):
    member = world.users["member"]
    member.active = False
    db.session.commit()
    assert services.notify([member], REQUEST_APPROVED.name, "QA Guild", HOME) == []


def test_the_same_thing_sent_twice_with_one_key_tells_once(world):
    member, leader = world.users["member"], world.users["leader"]
    for _ in range(2):
        services.notify([member, leader, member], REQUEST_APPROVED.name, "x", HOME, dedupe_key="k")
    db.session.commit()
    assert sorted(told()) == [
        ("leader@example.com", "request_approved"),
        ("member@example.com", "request_approved"),
    ]


def test_a_long_subject_is_kept_short_and_on_one_line(world):
    [notification] = services.notify(
        [world.users["member"]], REQUEST_APPROVED.name, "Long\nname " * 100, HOME
    )
    db.session.commit()
    assert len(notification.subject) == 200 and "\n" not in notification.subject


# --- the person's data download -------------------------------------------------------


def test_the_data_download_holds_what_the_person_was_told_and_no_one_elses_name(world, login):
    membership = ask_to_join(world)
    communities.approve_request(world.users["leader"], membership)
    choose(world.users["employee"], REQUEST_DECLINED.name, Delivery.OFF)
    employee = download(login, world.users["employee"])
    assert [(n["kind"], n["subject"]) for n in employee["site_notifications"]] == [
        ("request_approved", "QA Guild")
    ]
    assert employee["notification_settings"] == [{"kind": "request_declined", "delivery": "off"}]
    leader = download(login, world.users["leader"])
    assert [(n["kind"], n["subject"]) for n in leader["site_notifications"]] == [
        ("join_request", None)
    ]
    assert "Emma" not in str(leader["site_notifications"])
