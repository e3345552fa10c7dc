"""The daily digest: one e-mail per person and day with what they chose to get that way.

`flask notifications send-digest` runs from cron. Each person's digest is its own
command: the day's `DigestSent` row is inserted first, so a second run, or a run on
another host at the same moment, meets the unique index and sends nothing; then it
claims its notifications (`digested_at`), so no row goes in two digests, even from
runs on either side of midnight. The e-mail is queued in the same transaction, so a
failed run leaves no row behind.
"""

from datetime import date, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core import commands, figures
from core.extensions import db
from core.models import utcnow
from notifications.mail import email_digest
from notifications.models import Delivery, DigestSent, Notification


def _waiting(user_id: int | None = None):
    """Digest notifications no digest has taken yet (of one person, or of everyone)."""
    query = select(Notification).where(
        Notification.delivery == Delivery.DAILY_DIGEST, Notification.digested_at.is_(None)
    )
    if user_id is not None:
        query = query.where(Notification.recipient_id == user_id)
    return query


def people_waiting() -> list[int]:
    ids = _waiting().with_only_columns(Notification.recipient_id).distinct()
    return sorted(db.session.execute(ids).scalars())


def send_digest_to(user_id: int, day: date) -> bool:
    """Queue `user_id`'s digest for `day`; False when it was sent already (or is empty).

    Call inside a command: the DigestSent row and the e-mail commit together.
    """
    sent = DigestSent(user_id=user_id, day=day)
    try:
        with db.session.begin_nested():
            db.session.add(sent)
    except IntegrityError:
        return False  # another run has this person's digest for the day
    # Claim the rows: on PostgreSQL a run that reaches them second waits for the first and
    # then finds them taken (the WHERE is checked again), so a row goes in one digest only,
    # even from two runs either side of midnight; ids that commit late are still taken.
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(_waiting(user_id).with_only_columns(Notification.id)))
        .where(Notification.digested_at.is_(None))
        .values(digested_at=utcnow())
        .returning(Notification.id)
        .execution_options(synchronize_session=False, **figures.only_scopes("inbox", [user_id]))
    ).scalars()
    ids = sorted(claimed)
    if not ids:
        db.session.delete(sent)  # nothing to tell: tomorrow's run may still send one today
        return False
    query = select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)
    notifications = list(db.session.execute(query).scalars())
    sent.last_notification_id = ids[-1]
    user = db.session.get(User, user_id)
    if user.active:
        email_digest(user, notifications, day)
    return True


def send_digests(now: datetime | None = None) -> int:
    """Everyone's digest for today (UTC); how many were queued by this run."""
    day = (now or utcnow()).date()
    sent = 0
    for user_id in people_waiting():
        with commands.transaction():
            sent += send_digest_to(user_id, day)
    return sent


notifications_cli = AppGroup("notifications", help="Notifications.")


@notifications_cli.command("send-digest")
def send_digest_command() -> None:
    """Queue today's digest e-mail for everyone who has one (run daily from cron)."""
    sent = send_digests()
    click.echo(f"{sent} digests queued")
