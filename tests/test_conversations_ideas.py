"""Ideas: "Vote" / "Unvote" (one vote per person, even when twenty people click at once),
"N votes" beside the button, and the leaders' status with a reason."""

from sqlalchemy import func, select

from accounts.models import User
from community import services as communities
from conversations import engagement
from conversations.models import IdeaStatus, IdeaVote, Post, PostKind
from core.extensions import db
from core.signals import idea_status_changed
from tests.conftest import make_user
from tests.conversations_support import make_post, post_url
from tests.test_events_concurrency import run_together

PEOPLE = 20


def _idea(world):
    return make_post(world.users["member"], world.community, PostKind.IDEA, "Charity book sale")


def _votes(post_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(IdeaVote).where(IdeaVote.post_id == post_id)
    ).scalar_one()


def test_a_member_votes_and_unvotes_and_the_count_is_beside_the_button(world, login):
    idea = _idea(world)
    client = login(world.users["leader"])
    page = client.get(post_url(idea)).get_data(as_text=True)
    assert ">Vote<" in page and "0 votes" in page
    client.post(post_url(idea, "/vote"), data={"voted": "1"})
    client.post(post_url(idea, "/vote"), data={"voted": "1"})  # a second click counts once
    page = client.get(post_url(idea)).get_data(as_text=True)
    assert ">Unvote<" in page and "1 vote" in page and _votes(idea.id) == 1
    client.post(post_url(idea, "/vote"), data={"voted": "0"})
    assert _votes(idea.id) == 0 and db.session.get(Post, idea.id).vote_count == 0


def test_only_members_vote_and_only_for_ideas(world, login):
    idea = _idea(world)
    assert login(world.users["employee"]).post(post_url(idea, "/vote")).status_code == 403
    discussion = make_post(world.users["member"], world.community)
    assert login(world.users["member"]).post(post_url(discussion, "/vote")).status_code == 403
    assert _votes(idea.id) == 0


def test_twenty_people_voting_and_unvoting_at_once_leave_exactly_their_votes(app, world):
    idea = _idea(world)
    people = [make_user(f"voter{n}@example.com") for n in range(PEOPLE)]
    for person in people:
        communities.join_community(person, world.community)
    db.session.commit()
    ids, idea_id = [person.id for person in people], idea.id

    def voting(user_id, voted):
        return lambda: engagement.set_voted(db.session.get(User, user_id), idea_id, voted)

    # Everyone votes twice at once (double clicks): one vote each.
    assert run_together(app, [voting(i, True) for i in ids for _ in range(2)]) == []
    assert _votes(idea_id) == PEOPLE and db.session.get(Post, idea_id).vote_count == PEOPLE
    db.session.remove()
    # Half take their vote back while the other half click again.
    work = [voting(i, n % 2 == 1) for n, i in enumerate(ids)]
    assert run_together(app, work) == []
    assert (
        _votes(idea_id) == PEOPLE // 2 and db.session.get(Post, idea_id).vote_count == PEOPLE // 2
    )


def test_a_leader_sets_a_status_with_a_reason_and_voters_are_told(world, login):
    idea = _idea(world)
    sent = []
    idea_status_changed.connect(receiver := lambda sender, **kw: sent.append((sender, kw)))
    try:
        client = login(world.users["leader"])
        page = client.get(post_url(idea, "/status")).get_data(as_text=True)
        assert "Status" in page and "Reason" in page
        response = client.post(post_url(idea, "/status"), data={"status": "planned", "reason": ""})
        assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
        response = client.post(
            post_url(idea, "/status"), data={"status": "planned", "reason": "In May, in the hall."}
        )
        assert response.status_code == 302
    finally:
        idea_status_changed.disconnect(receiver)
    db.session.refresh(idea)
    assert (
        idea.idea_status == IdeaStatus.PLANNED and idea.idea_status_reason == "In May, in the hall."
    )
    assert len(sent) == 1 and sent[0][1]["status"] == IdeaStatus.PLANNED
    page = login(world.users["member"]).get(post_url(idea)).get_data(as_text=True)
    assert "Planned" in page and "In May, in the hall." in page


def test_bad_statuses_are_refused_and_members_cannot_set_one(world, login):
    idea = _idea(world)
    client = login(world.users["leader"])
    for data in [{"status": "maybe", "reason": "x"}, {"status": "done", "reason": "x" * 501}]:
        assert client.post(post_url(idea, "/status"), data=data).status_code == 400
    assert (
        login(world.users["member"])
        .post(post_url(idea, "/status"), data={"status": "done", "reason": "x"})
        .status_code
        == 403
    )
    discussion = make_post(world.users["member"], world.community)
    assert client.get(post_url(discussion, "/status")).status_code == 403


def test_a_new_idea_is_open_and_only_ideas_have_a_status(world):
    assert _idea(world).idea_status == IdeaStatus.OPEN
    assert make_post(world.users["member"], world.community).idea_status is None
