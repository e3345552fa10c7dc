"""The weekly digest for community managers."""

from datetime import timedelta

from community import services as communities
from core.extensions import db
from core.mail_sending import send_queued
from core.models import utcnow
from promotions.models import BriefStatus
from reports.digest import send_weekly_digests
from tests.conftest import make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in


def test_leaders_get_one_digest_a_week_with_their_communities_news(world, inbox):
    leader, smm = world.users["leader"], world.users["smm"]
    now = utcnow()
    communities.join_community(
        make_user("new@example.com"), world.community, at=now - timedelta(days=2)
    )
    communities.join_community(world.users["employee"], world.approval_community)
    make_event(leader, world.community, title="Retro night", starts_at=now + timedelta(days=2),
               ends_at=now + timedelta(days=2, hours=2))  # fmt: skip
    brief_in(BriefStatus.CHANGES_REQUESTED, leader, smm, world.community)
    db.session.commit()
    send_queued()
    inbox.messages.clear()

    assert send_weekly_digests(now) == 1  # the one leader, for both communities
    assert send_weekly_digests(now) == 0  # run again the same week: nothing new
    db.session.commit()
    send_queued()
    [digest] = inbox.messages
    assert (
        digest["To"] == "leader@example.com" and digest["Subject"] == "Your communities this week"
    )
    text = digest.get_body(("plain",)).get_content()
    assert "Project Managers" in text and "QA Guild" in text
    assert "1 joined" in text
    assert "1 request to join is waiting for you." in text
    assert "Retro night" in text
    assert "Promotion requests waiting for you:" in text


def test_the_digest_command_reports_what_it_queued(runner):
    result = runner.invoke(args=["reports", "digest"])
    assert result.exit_code == 0 and "0 digests queued." in result.output
