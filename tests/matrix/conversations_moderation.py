"""Moderation routes in the permission matrix: queues, reports, decisions, watched words."""

from community import services as communities
from conversations.models import ContentState, Post, PostKind, Reply, WatchedWord
from conversations.models import WatchedWordAction as Action
from core.extensions import db
from tests.matrix import LOGIN, Case, no_args, only, with_bad_form

LEADERS = ("leader", "admin")


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _item(name: str, kind: str = "post"):
    def args(world) -> dict:
        item = world.objects[f"moderation_{name}"]
        return {"slug": world.community.slug, "kind": kind, "item_id": item.id}

    return args


def _word(world) -> dict:
    return {"word_id": world.objects["moderation_word"].id}


REPORTERS = {**only("member", "leader"), "visitor": LOGIN}

CASES = [
    Case("conversations.moderation_queue", "GET", _slug, only(*LEADERS)),
    Case("conversations.site_moderation_queue", "GET", no_args, only("admin")),
    Case("conversations.report", "GET", _item("visible"), REPORTERS),
    Case("conversations.report", "POST", _item("visible"), with_bad_form(REPORTERS)),
    Case("conversations.report", "GET", _item("reply", "reply"), REPORTERS, variant="reply"),
    Case("conversations.approve", "POST", _item("held"), only(*LEADERS)),
    Case("conversations.hide", "POST", _item("visible"), only(*LEADERS)),
    Case("conversations.restore", "POST", _item("hidden"), only(*LEADERS)),
    Case("conversations.reject", "GET", _item("held"), only(*LEADERS)),
    Case("conversations.reject", "POST", _item("held"), with_bad_form(only(*LEADERS))),
    Case("conversations.remove_as_spam", "GET", _item("visible"), only(*LEADERS)),
    Case("conversations.remove_as_spam", "POST", _item("reply", "reply"), only(*LEADERS)),
    Case("conversations.watched_words_page", "GET", no_args, only("admin")),
    Case("conversations.watched_words_page", "POST", no_args, with_bad_form(only("admin"))),
    Case("conversations.delete_watched_word", "POST", _word, only("admin")),
]


def prepare(world) -> None:
    from tests.conftest import make_user

    community = world.community
    author = make_user("writer@example.com", "Walt Writer")
    communities.join_community(author, community)

    def post(state: ContentState, title: str) -> Post:
        row = Post(community_id=community.id, author_id=author.id, kind=PostKind.DISCUSSION,
                   title=title, body="Body", state=state)  # fmt: skip
        db.session.add(row)
        return row

    world.objects["moderation_visible"] = post(ContentState.VISIBLE, "Visible")
    world.objects["moderation_held"] = post(ContentState.HELD, "Held")
    world.objects["moderation_hidden"] = post(ContentState.HIDDEN, "Hidden")
    db.session.flush()
    reply = Reply(post_id=world.objects["moderation_visible"].id, author_id=author.id, body="Hi")
    db.session.add(reply)
    word = WatchedWord(phrase=f"casino {community.id}", action=Action.REFUSE)  # one per world
    db.session.add(word)
    db.session.commit()
    world.objects["moderation_reply"] = reply
    world.objects["moderation_word"] = word
