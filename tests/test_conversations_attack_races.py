"""Races an attacker (or two busy people) can provoke in conversations, on PostgreSQL and
SQLite: a view loads what it acts on before its command locks anything, so each service
must read again under its lock."""

import threading

import pytest
from sqlalchemy import select

from accounts.models import User
from community import services as communities
from conversations import decisions, engagement, services
from conversations.models import ContentState, Post, PostKind, Reply
from core import commands
from core.errors import DomainError
from core.extensions import db
from core.signals import post_published
from tests.conftest import make_community, make_user
from tests.conversations_support import make_post, make_reply


def in_turn(app, first, second) -> list[BaseException]:
    """`first` and `second` in two threads, as two requests: `second` loads what its view
    loads (`second[0]`), then `first` runs its whole command, then `second` runs its own
    (`second[1]`) with what its view had loaded."""
    db.session.remove()
    loaded, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run_first():
        try:
            with app.app_context():
                loaded.wait(30)
                with commands.transaction():
                    first()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            done.set()

    def run_second():
        try:
            with app.app_context():
                view_loads, command = second
                kept = view_loads()
                loaded.set()
                done.wait(30)
                with commands.transaction():
                    command(kept)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.fixture
def question(app):
    asker = make_user("asker@example.com")
    community = make_community(asker)
    helper = make_user("helper@example.com")
    communities.join_community(helper, community)
    db.session.commit()
    post = make_post(asker, community, kind=PostKind.QUESTION, title="PMBOK 7?")
    reply = make_reply(helper, post, body="Read chapter 2.")
    return post.id, reply.id, asker.id, helper.id


def test_deleting_a_reply_just_accepted_leaves_the_question_unanswered(app, question):
    post_id, reply_id, asker_id, helper_id = question

    errors = in_turn(
        app,
        lambda: engagement.accept_answer(db.session.get(User, asker_id), reply_id),
        (
            lambda: db.session.get(Reply, reply_id),  # the delete view's load_reply
            lambda _reply: services.delete_reply(db.session.get(User, helper_id), reply_id),
        ),
    )

    assert errors == []
    db.session.remove()
    post = db.session.get(Post, post_id)
    assert db.session.get(Reply, reply_id) is None
    assert post.answer_accepted_at is None  # so it is listed as unanswered again


def test_accepting_a_reply_deleted_meanwhile_is_refused_with_a_message(app, question):
    post_id, reply_id, asker_id, helper_id = question

    errors = in_turn(
        app,
        lambda: services.delete_reply(db.session.get(User, helper_id), reply_id),
        (
            lambda: db.session.get(Reply, reply_id),  # the accept view's load_reply
            lambda _reply: engagement.accept_answer(db.session.get(User, asker_id), reply_id),
        ),
    )

    assert len(errors) == 1 and isinstance(errors[0], DomainError), errors
    db.session.remove()
    assert db.session.get(Post, post_id).answer_accepted_at is None


@pytest.fixture
def spammer(app):
    leader = make_user("leader@example.com")
    community = make_community(leader)
    spammer = make_user("spammer@example.com")
    communities.join_community(spammer, community)
    db.session.commit()
    first = make_post(spammer, community, title="Cheap watches")
    return community.id, first.id, leader.id, spammer.id


def test_a_post_written_while_its_author_is_removed_as_spam_is_removed_too(app, spammer):
    community_id, first_id, leader_id, spammer_id = spammer
    written, removal_done = threading.Event(), threading.Event()

    def wait_for_the_removal(post, **_extra):
        written.set()  # flushed, not committed: the removal starts now
        removal_done.wait(3)  # with the fix, the removal waits for this command instead

    def post_again():
        with app.app_context(), commands.transaction():
            author = db.session.get(User, spammer_id)
            services.create_post(author, community_id, PostKind.DISCUSSION, "More watches")

    def remove():
        try:
            with app.app_context():
                written.wait(30)
                with commands.transaction():
                    decisions.remove_as_spam(
                        db.session.get(User, leader_id), db.session.get(Post, first_id)
                    )
        finally:
            removal_done.set()

    db.session.remove()
    post_published.connect(wait_for_the_removal)
    try:
        threads = [threading.Thread(target=post_again), threading.Thread(target=remove)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        post_published.disconnect(wait_for_the_removal)

    db.session.remove()
    states = db.session.execute(select(Post.title, Post.state).order_by(Post.id)).all()
    assert states == [
        ("Cheap watches", ContentState.REMOVED),
        ("More watches", ContentState.REMOVED),
    ]
