"""Search finds conversations' posts (search/conversation_documents.py) with the
permissions of the pages: readers find visible posts; held, hidden and removed ones
nobody (admins, who find everything, aside); in Ukrainian and English."""

import pytest

from community import services as communities
from conversations.models import ContentState, Post
from core import commands
from core.extensions import db
from search import services
from search.index import CURRENT, search_index
from tests.conversations_notify_support import new_post

ROLES = ("employee", "member", "leader", "admin")


def found(user, text: str) -> set[str]:
    return {result.title.striptags() for result in services.search(user, text).results}


def finders(world, text: str) -> set[str]:
    return {role for role in ROLES if found(world.users[role], text)}


def set_state(post: Post, state: ContentState) -> None:
    with commands.transaction():
        db.session.get(Post, post.id).state = state


@pytest.fixture
def indexed(world):
    search_index().rebuild()
    return world


def test_readers_find_a_post_by_title_or_text_in_ukrainian_and_english(indexed):
    world = indexed
    post = new_post(world.users["member"], world.community, title="Що почитати про лідерство?",
                    body="Поділіться **книгами** про PMBOK 7 та Agile.")  # fmt: skip
    employee = world.users["employee"]
    assert found(employee, "лідерства") == {post.title}
    assert found(employee, "книга") == {post.title}  # another form of the word
    assert found(employee, "pmbok") == {post.title}
    [result] = services.search(employee, "agile").results
    assert result.kind.name == "post" and result.context == "Project Managers"
    assert (result.endpoint, result.url_args) == (
        "conversations.post",
        {"slug": world.community.slug, "post_id": post.id},
    )


def test_an_approval_communitys_posts_are_found_by_its_members_only(indexed):
    world = indexed
    new_post(world.users["leader"], world.approval_community, title="Regression checklist")
    assert finders(world, "regression") == {"leader", "admin"}


@pytest.mark.parametrize(
    ("state", "who"),
    [
        (ContentState.HELD, {"admin"}),  # leaders decide in the moderation queue
        (ContentState.HIDDEN, {"admin"}),
        (ContentState.REMOVED, {"admin"}),
    ],
)
def test_held_hidden_and_removed_posts_are_found_by_no_reader(indexed, state, who):
    world = indexed
    post = new_post(world.users["member"], world.community, title="Cheap watches", publish=False)
    assert finders(world, "watches") == set(ROLES)
    set_state(post, state)
    assert finders(world, "watches") == who
    set_state(post, ContentState.VISIBLE)  # approved or restored: found again
    assert finders(world, "watches") == set(ROLES)


def test_a_post_held_from_the_start_is_never_found_by_readers(indexed):
    world = indexed
    new_post(world.users["member"], world.community, title="Awaiting approval here",
             state=ContentState.HELD, publish=False)  # fmt: skip
    assert finders(world, "awaiting") == {"admin"}


def test_a_community_that_starts_approving_members_hides_its_posts_from_others(indexed):
    world = indexed
    new_post(world.users["member"], world.community, title="Kanban boards")
    assert "employee" in finders(world, "kanban")
    with commands.transaction():
        world.community.join_policy = "approval"
    assert finders(world, "kanban") == {"member", "leader", "admin"}


def test_reindex_rebuilds_posts_from_the_database(indexed, runner):
    world = indexed
    new_post(world.users["member"], world.community, title="Retrospective formats")
    search_index().rebuild()
    assert found(world.users["employee"], "retrospective") == {"Retrospective formats"}
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert found(world.users["employee"], "retrospective") == {"Retrospective formats"}


def test_without_an_index_the_database_answers_with_the_same_permissions(indexed):
    world = indexed
    (search_index().root / CURRENT).unlink()  # the index is missing: the database answers
    new_post(world.users["member"], world.community, title="Lonely post", publish=False)
    held = new_post(world.users["member"], world.community, title="Lonely held", publish=False)
    set_state(held, ContentState.HELD)
    answer = services.search(world.users["employee"], "lonely")
    assert answer.from_database
    assert {r.title.striptags() for r in answer.results} == {"Lonely post"}
    assert found(world.users["leader"], "lonely") == {"Lonely post"}


def test_a_member_who_joins_an_approval_community_finds_its_posts(indexed):
    world = indexed
    new_post(world.users["leader"], world.approval_community, title="Test pyramids")
    employee = world.users["employee"]
    membership = communities.join_community(employee, world.approval_community)
    db.session.commit()
    communities.approve_request(world.users["leader"], membership)
    db.session.commit()
    assert found(employee, "pyramids") == {"Test pyramids"}


def test_a_word_said_in_a_visible_reply_finds_its_thread_once(indexed):
    from conversations.counts import recount_replies
    from conversations.models import Reply
    from tests.conversations_notify_support import new_reply

    world = indexed
    post = new_post(world.users["leader"], world.community, title="Books to read")
    new_reply(world.users["member"], post, body="Try *Мистецтво лідерства* first.")
    reply = new_reply(world.users["member"], post, body="And also a scheduling handbook.")
    employee = world.users["employee"]
    assert found(employee, "мистецтво") == {"Books to read"}
    assert len(services.search(employee, "мистецтво").results) == 1

    with commands.transaction():  # a leader hides the second reply
        hidden = db.session.get(Reply, reply.id)
        hidden.state = ContentState.HIDDEN
        recount_replies(hidden.post)
    assert found(employee, "handbook") == set()
    assert found(employee, "мистецтво") == {"Books to read"}
    search_index().rebuild()
    assert found(employee, "handbook") == set() and found(employee, "мистецтво")


def test_a_post_added_by_its_community_id_alone_is_indexed(indexed):
    world = indexed
    with commands.transaction():
        db.session.add(Post(community_id=world.community.id, author_id=world.users["member"].id,
                            kind="discussion", title="Added by ids"))  # fmt: skip
    assert found(world.users["employee"], "ids") == {"Added by ids"}
