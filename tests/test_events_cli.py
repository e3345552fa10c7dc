"""`flask events remind`: the cron job's reminders are one committed command."""

from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from tests.test_events_factories import make_event, register


def test_remind_queues_each_reminder_once_and_commits_them(world, runner):
    soon = utcnow() + timedelta(hours=5)
    event = make_event(
        world.users["leader"], world.community, starts_at=soon, ends_at=soon + timedelta(hours=2)
    )
    register(world.users["member"], event)
    queued = select(func.count()).where(OutgoingEmail.subject == f"Reminder: {event.title}")

    first = runner.invoke(args=["events", "remind"])
    db.session.rollback()  # what the command left is what it committed
    again = runner.invoke(args=["events", "remind"])

    assert (first.exit_code, first.output) == (0, "1 reminders queued.\n")
    assert (again.exit_code, again.output) == (0, "0 reminders queued.\n")
    assert db.session.execute(queued).scalar_one() == 1
