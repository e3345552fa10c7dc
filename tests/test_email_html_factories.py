"""Every kind of e-mail the site sends, queued for one person through the code that
sends it, with hostile text in their name, an event's title and a brief's title."""

from datetime import timedelta

from sqlalchemy import select

from accounts import mail
from accounts import services as accounts
from community import services as communities
from core.extensions import db
from core.mail import OutgoingEmail
from core.models import utcnow
from core.site import external_url
from notifications import mail as notification_mail
from notifications import services as notifications
from notifications.kinds import REQUEST_APPROVED
from notifications.models import Notification
from promotions.models import BriefStatus
from reports.digest import send_weekly_digests
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in

HOSTILE = '<b>Ada & "Co"</b><script>alert(1)</script>'

# Every template in templates/email/ that is a message (the others are its parts).
TEMPLATES = [
    "account_exists", "brief_at_risk", "email_confirmation",
    "event_reminder", "notification", "notification_digest", "password_changed",
    "password_reset", "registration_confirmed", "registration_promoted",
    "registration_waitlisted", "session_ended", "signed_out_everywhere", "weekly_digest",
    "welcome",
]  # fmt: skip


def every_message(world, locale: str = "en") -> dict[str, OutgoingEmail]:
    """Template name → the message queued from it (the leader's, who gets every kind)."""
    leader, smm = world.users["leader"], world.users["smm"]
    leader.display_name, leader.locale = HOSTILE, locale
    db.session.commit()
    now = utcnow()
    event = make_event(
        leader, world.community, title=f"Retro {HOSTILE}",
        starts_at=now + timedelta(days=2), online_url="https://meet.example.com/r",
    )  # fmt: skip
    brief = brief_in(BriefStatus.CHANGES_REQUESTED, leader, smm, world.community)
    brief.title, brief.status_reason = f"Sale {HOSTILE}", f"Add a date {HOSTILE}"
    communities.join_community(world.users["employee"], world.approval_community)
    db.session.commit()
    db.session.execute(db.delete(OutgoingEmail))  # what building the world queued

    queued = {}

    def keep(template, email):
        assert email is not None, template
        queued[template] = email

    accounts.send_account_exists(leader)
    keep("account_exists", _last())
    accounts.send_email_confirmation(leader)
    keep("email_confirmation", _last())
    reset = external_url("accounts.request_password_reset")
    for template in ("password_changed", "password_reset", "signed_out_everywhere"):
        keep(template, mail.email_user(leader, "account", template, link=reset))
    profile = external_url("accounts.profile")
    keep("session_ended", mail.email_user(leader, "account", "session_ended", link=profile))
    keep("welcome", mail.email_user(leader, "welcome", "welcome"))
    for template in ("registration_confirmed", "registration_waitlisted",
                     "registration_promoted", "event_reminder"):  # fmt: skip
        keep(template, mail.email_user(leader, "events", template, event=event))
    keep("brief_at_risk", mail.email_user(leader, "at_risk", "brief_at_risk", brief=brief))
    notifications.notify([leader], REQUEST_APPROVED.name, f"Club {HOSTILE}",
                         notifications.Link("community.directory"))  # fmt: skip
    db.session.flush()
    keep("notification", _last("notification.request_approved"))
    told = db.session.execute(select(Notification)).scalars().all()
    keep("notification_digest", notification_mail.email_digest(leader, told, now.date()))
    db.session.commit()
    assert send_weekly_digests(now) == 1
    keep("weekly_digest", _last("digest"))
    db.session.commit()
    assert sorted(queued) == TEMPLATES
    return queued


def _last(kind: str | None = None) -> OutgoingEmail:
    query = select(OutgoingEmail).order_by(OutgoingEmail.id.desc()).limit(1)
    if kind is not None:
        query = query.where(OutgoingEmail.kind == kind)
    return db.session.execute(query).scalar_one()
