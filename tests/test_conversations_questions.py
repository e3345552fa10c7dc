"""Questions: "Accept answer" for the asker or a leader, changing it, one accepted answer
even when two people accept at once, and the times to the first reply and the answer."""

from sqlalchemy import select

from accounts.models import User
from conversations import engagement
from conversations.models import Post, PostKind, Reply
from core.extensions import db
from tests.conftest import make_user
from tests.conversations_support import make_post, make_reply, post_url
from tests.test_events_concurrency import run_together


def _question(world):
    return make_post(world.users["member"], world.community, PostKind.QUESTION, "Is PMBOK 7 good?")


def test_the_asker_accepts_an_answer_and_it_shows_under_the_question(world, login):
    question = _question(world)
    reply = make_reply(world.users["leader"], question, "Yes, read the principles first.")
    asker = login(world.users["member"])
    page = asker.get(post_url(question)).get_data(as_text=True)
    assert "Accept answer" in page and "No answer is accepted yet." in page
    response = asker.post(post_url(question, f"/replies/{reply.id}/accept"))
    assert response.status_code == 302 and response.location.endswith("#answer")
    page = asker.get(post_url(question)).get_data(as_text=True)
    answer = page[page.index('id="answer"') : page.index('id="replies-heading"')]
    assert "read the principles first" in answer and "Accepted answer" in answer
    db.session.refresh(question)
    assert question.answer_accepted_at is not None
    assert question.first_reply_at == reply.created_at


def test_changing_the_accepted_answer_leaves_one(world, login):
    question = _question(world)
    first = make_reply(world.users["leader"], question, "First")
    second = make_reply(world.users["leader"], question, "Second")
    asker = login(world.users["member"])
    asker.post(post_url(question, f"/replies/{first.id}/accept"))
    asker.post(post_url(question, f"/replies/{second.id}/accept"))
    accepted = db.session.execute(select(Reply.id).where(Reply.is_accepted)).scalars().all()
    assert accepted == [second.id]
    asker.post(post_url(question, "/unaccept"))
    db.session.expire_all()
    assert db.session.execute(select(Reply.id).where(Reply.is_accepted)).first() is None
    assert db.session.get(Post, question.id).answer_accepted_at is None


def test_only_the_asker_or_a_leader_accepts(world, login):
    question = _question(world)
    reply = make_reply(world.users["leader"], question)
    other = make_user("other@example.com")
    from community import services as communities

    communities.join_community(other, world.community)
    db.session.commit()
    assert "Accept answer" not in login(other).get(post_url(question)).get_data(as_text=True)
    assert login(other).post(post_url(question, f"/replies/{reply.id}/accept")).status_code == 403
    assert (
        login(world.users["leader"])
        .post(post_url(question, f"/replies/{reply.id}/accept"))
        .status_code
        == 302
    )


def test_a_discussion_has_no_accepted_answer(world, login):
    post = make_post(world.users["member"], world.community)
    reply = make_reply(world.users["leader"], post)
    response = login(world.users["member"]).post(post_url(post, f"/replies/{reply.id}/accept"))
    assert response.status_code == 403 and not db.session.get(Reply, reply.id).is_accepted


def test_deleting_the_accepted_reply_leaves_the_question_unanswered(world, login):
    question = _question(world)
    reply = make_reply(world.users["leader"], question)
    login(world.users["member"]).post(post_url(question, f"/replies/{reply.id}/accept"))
    login(world.users["leader"]).post(post_url(question, f"/replies/{reply.id}/delete"))
    db.session.expire_all()
    question = db.session.get(Post, question.id)
    assert question.answer_accepted_at is None and question.reply_count == 0
    page = (
        login(world.users["member"])
        .get("/communities/project-managers/posts?filter=unanswered")
        .get_data(as_text=True)
    )
    assert "Is PMBOK 7 good?" in page


def test_the_asker_and_a_leader_accepting_different_answers_at_once_leave_one(app, world):
    question = _question(world)
    replies = [make_reply(world.users["leader"], question, f"Answer {n}") for n in range(2)]
    people = [world.users["leader"].id, world.users["member"].id]
    reply_ids = [reply.id for reply in replies]

    def accepting(user_id, reply_id):
        return lambda: engagement.accept_answer(db.session.get(User, user_id), reply_id)

    for _round in range(5):
        errors = run_together(
            app, [accepting(u, r) for u, r in zip(people, reply_ids, strict=True)]
        )
        assert errors == []
        accepted = db.session.execute(select(Reply.id).where(Reply.is_accepted)).scalars().all()
        assert len(accepted) == 1
        db.session.remove()
