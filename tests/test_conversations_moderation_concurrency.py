"""Concurrent reports (PostgreSQL and SQLite): the threshold hides an item exactly once, and
one person reporting twice at once counts once."""

import threading

import pytest

from accounts.models import User
from community import services as communities
from conversations import reporting
from conversations.models import ContentReport, ContentState, Post
from core import commands
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.signals import content_reported
from tests.conftest import make_community, make_user
from tests.test_conversations_moderation_factories import make_post


def run_together(app, work: list) -> list[BaseException]:
    """Each callable in its own thread, app context and command, all released at once."""
    db.session.remove()  # the test's own transaction must not hold the database
    start = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(action):
        try:
            with app.app_context():
                start.wait()
                with commands.transaction():
                    action()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,), daemon=True) for action in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


@pytest.fixture
def reported_post(app):
    author = make_user("author@example.com")
    community = make_community(author)
    reporters = [make_user(f"r{n}@example.com") for n in range(3)]
    for person in reporters:
        communities.join_community(person, community)
    db.session.commit()
    return make_post(author, community).id, [person.id for person in reporters]


def report(post_id: int, user_id: int):
    def action():
        post = db.session.get(Post, post_id)
        reporting.report_content(db.session.get(User, user_id), post, "Spam")

    return action


@pytest.fixture
def hidings():
    calls = []

    def listen(sender, **kwargs):
        calls.append(kwargs["hidden"])

    content_reported.connect(listen)
    yield calls
    content_reported.disconnect(listen)


def test_three_reports_at_once_hide_exactly_once_and_a_double_counts_once(
    app, reported_post, hidings
):
    post_id, (first, second, third) = reported_post
    work = [report(post_id, first), report(post_id, second), report(post_id, third)]
    work.append(report(post_id, first))  # the same person, clicking twice

    errors = run_together(app, work)

    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert db.session.get(Post, post_id).state == ContentState.HIDDEN
    reports = db.session.execute(db.select(ContentReport.user_id)).scalars().all()
    assert sorted(reports) == sorted([first, second, third])
    assert hidings.count(True) == 1
    hidden_entries = db.select(db.func.count(AuditEntry.id)).where(
        AuditEntry.action == "conversations.hidden_by_reports"
    )
    assert db.session.execute(hidden_entries).scalar_one() == 1


def test_one_person_reporting_three_times_at_once_does_not_hide(app, reported_post, hidings):
    post_id, (first, second, _third) = reported_post
    work = [report(post_id, first)] * 3 + [report(post_id, second)]

    errors = run_together(app, work)

    assert len(errors) == 2 and all(isinstance(e, DomainError) for e in errors)
    assert db.session.get(Post, post_id).state == ContentState.VISIBLE
    assert db.session.execute(db.select(db.func.count(ContentReport.id))).scalar_one() == 2
    assert hidings == [False, False]
