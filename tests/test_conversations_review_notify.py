"""Nobody is told about what they cannot open: a hidden idea's new status stays with the
leaders, as a reply approved inside a hidden post does."""

from community import services as communities
from conversations import decisions, engagement
from conversations.models import PostKind
from core import commands
from core.extensions import db
from tests.conftest import make_user
from tests.conversations_notify_support import told
from tests.conversations_support import make_post, make_reply, post_url


def test_a_hidden_ideas_new_status_tells_no_voter(world, login):
    leader, member = world.users["leader"], world.users["member"]
    idea = make_post(member, world.community, kind=PostKind.IDEA, title="Swap shelf")
    voter = make_user("voter@example.com", "Vera Voter")
    communities.join_community(voter, world.community)
    db.session.commit()
    with commands.transaction():
        engagement.set_voted(voter, idea.id, True)
    with commands.transaction():
        decisions.hide(leader, idea, "Off topic")

    status = {"status": "planned", "reason": "Next month"}
    assert login(leader).post(post_url(idea, "/status"), data=status).status_code == 302
    assert login(voter).get(post_url(idea)).status_code == 404
    assert told(voter, "idea_status") == []
    assert told(member, "idea_status") == []


def test_a_reply_taken_down_inside_a_hidden_post_leads_its_author_somewhere_they_can_open(
    world, login
):
    leader, member = world.users["leader"], world.users["member"]
    post = make_post(leader, world.community, title="Book swap")
    replier = make_user("rita@example.com", "Rita Replier")
    communities.join_community(replier, world.community)
    db.session.commit()
    reply = make_reply(replier, post, "Buy cheap watches")
    with commands.transaction():
        decisions.hide(world.users["admin"], post, "Off topic")
    with commands.transaction():
        decisions.reject(leader, reply, "Advertising")

    (notice,) = told(replier, "content_moderated")
    assert notice.endpoint == "conversations.posts"
    client = login(replier)
    assert client.get("/communities/project-managers/posts").status_code == 200
    assert client.get(post_url(post)).status_code == 404
    # Their own post's page they can still open: a rejected post's notice leads there.
    mine = make_post(member, world.community, title="Mine")
    with commands.transaction():
        decisions.reject(leader, mine, "Duplicate")
    assert told(member, "content_moderated")[-1].endpoint == "conversations.post"
