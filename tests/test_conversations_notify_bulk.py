"""An announcement to a 5,000-member community queues its notifications and e-mail in
bulk: a fixed number of statements, no lock or savepoint per person, in seconds."""

import time

from sqlalchemy import func, insert, select

from accounts.models import User
from community.models import Membership, MembershipRole, MembershipStatus
from conversations.models import PostKind
from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from notifications import services
from notifications.conversation_kinds import ANNOUNCEMENT
from notifications.models import Delivery, DeliveryChoice, Notification
from tests.conversations_notify_support import new_post

MEMBERS = 5_000


def add_members(community, count: int) -> list[int]:
    """`count` members with accounts, inserted in bulk (building 5,000 people through the
    sign-up service would be most of the test's time); every tenth reads Ukrainian."""
    now = utcnow()
    db.session.execute(
        insert(User),
        [
            {
                "email": f"reader{i}@example.com",
                "display_name": f"Reader {i}",
                "password_hash": None,
                "locale": "uk" if i % 10 == 0 else None,
                "created_at": now,
                "updated_at": now,
            }  # fmt: skip
            for i in range(count)
        ],
    )
    ids = list(
        db.session.execute(select(User.id).where(User.email.like("reader%@example.com"))).scalars()
    )
    db.session.execute(
        insert(Membership),
        [
            {
                "user_id": user_id,
                "community_id": community.id,
                "role": MembershipRole.MEMBER,
                "status": MembershipStatus.ACTIVE,
                "requested_at": now,
                "joined_at": now,
            }  # fmt: skip
            for user_id in ids
        ],
    )
    db.session.commit()
    return ids


def test_an_announcement_to_5000_members_is_queued_in_bulk(world, count_queries):
    leader = world.users["leader"]
    ids = add_members(world.community, MEMBERS)
    # Some chose otherwise: a digest, or nothing at all.
    db.session.execute(
        insert(DeliveryChoice),
        [{"user_id": i, "kind": ANNOUNCEMENT.name, "delivery": Delivery.DAILY_DIGEST}
         for i in ids[:500]]
        + [{"user_id": i, "kind": ANNOUNCEMENT.name, "delivery": Delivery.OFF}
           for i in ids[500:600]],
    )  # fmt: skip
    db.session.commit()

    started = time.perf_counter()
    with count_queries() as statements:
        post = new_post(leader, world.community, title="Charity Book Sale",
                        kind=PostKind.ANNOUNCEMENT)  # fmt: skip
    seconds = time.perf_counter() - started

    told = db.session.execute(
        select(func.count()).where(Notification.kind == ANNOUNCEMENT.name)
    ).scalar_one()
    mailed = db.session.execute(select(func.count(OutgoingEmail.id))).scalar_one()
    # Every member but the 100 who turned it off, and "Max Member" of the shared world.
    assert told == MEMBERS - 100 + 1
    assert mailed == MEMBERS - 600 + 1  # the digest readers are mailed with tomorrow's digest
    # Inserts go 1,000 rows a statement: 5 + 5, beside the post's own and one read.
    assert len(statements) <= 30, "\n".join(s[:80] for s in statements)
    assert not any("SAVEPOINT" in s.upper() or "FOR UPDATE" in s.upper() for s in statements)
    # No bound on the seconds (a loaded CI machine is no measure): the statements are.
    print(f"\n5,000-member announcement queued in {seconds:.2f} s, {len(statements)} statements")

    ukrainian = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == "reader4990@example.com")
    ).scalar_one()
    assert ukrainian.locale == "uk" and "Reader 4990" in ukrainian.text_body
    assert ukrainian.subject == "Оголошення в спільноті Project Managers: Charity Book Sale"
    assert f"/posts/{post.id}" in ukrainian.html_body

    member = db.session.get(User, ids[-1])
    assert services.unread_count(member) == 1  # the bell counts the new row
    services.mark_all_read(member)
    db.session.commit()
    db.session.expire_all()
    from flask import g

    g.pop("unread_notifications", None)
    assert services.unread_count(member) == 0


def test_notify_many_skips_people_it_told_before(world):
    member, leader = world.users["member"], world.users["leader"]
    link = services.Link("community.show", {"slug": world.community.slug})
    first = services.notify_many(ANNOUNCEMENT.name, [member.id], "Hello", link, dedupe_key="k:1")
    again = services.notify_many(
        ANNOUNCEMENT.name, [member.id, leader.id], "Hello", link, dedupe_key="k:1"
    )
    db.session.commit()
    assert first == {member.id} and again == {leader.id}
    assert services.notify_many(ANNOUNCEMENT.name, [], "Hello", link) == set()


def test_notify_many_forgets_the_bell_count_of_this_request(world):
    member = world.users["member"]
    assert services.unread_count(member) == 0
    link = services.Link("community.show", {"slug": world.community.slug})
    services.notify_many(ANNOUNCEMENT.name, [member.id], "Hello", link)
    assert services.unread_count(member) == 1


def test_the_same_announcement_sent_at_once_by_two_processes_tells_and_mails_once(app, world):
    from core import commands
    from tests.test_events_concurrency import run_together

    ids = add_members(world.community, 200)
    link = services.Link("community.show", {"slug": world.community.slug})

    def send():
        with commands.transaction():
            services.notify_many(ANNOUNCEMENT.name, ids, "Sale", link, dedupe_key="announcement:x")

    assert run_together(app, [send] * 4) == []
    told = db.session.execute(
        select(Notification.recipient_id, func.count()).group_by(Notification.recipient_id)
    ).all()
    assert len(told) == 200 and {count for _, count in told} == {1}
    assert db.session.execute(select(func.count(OutgoingEmail.id))).scalar_one() == 200
