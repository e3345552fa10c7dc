"""Conversation routes (posts, replies, likes, votes, answers, read marks) in the
permission matrix. The open community's member wrote a discussion, a question (the
leader replied) and an idea; a held post of theirs waits; the approval community's
leader wrote there."""

from datetime import timedelta
from io import BytesIO

from PIL import Image

from conversations import post_images, services
from conversations.models import ContentState, PostKind
from core import commands
from tests.matrix import NOT_FOUND, Case, only, signed_in

MEMBERS = ("member", "leader")  # who may write: members (admins moderate, but are no members)
MODERATORS = ("leader", "admin")
AUTHOR_OR_MODERATORS = ("member", "leader", "admin")


def _slug(world) -> dict:
    return {"slug": world.community.slug}


def _approval_slug(world) -> dict:
    return {"slug": world.approval_community.slug}


def _post(name: str):
    def args(world) -> dict:
        post = world.objects[name]
        return {"slug": post.community.slug, "post_id": post.id}

    return args


def _reply(world) -> dict:
    reply = world.objects["conversation_reply"]
    return {"slug": world.community.slug, "post_id": reply.post_id, "reply_id": reply.id}


def _image(name: str):
    def args(world) -> dict:
        post = world.objects[name]
        return {"slug": post.community.slug, "post_id": post.id, "image_id": post.images[0].id}

    return args


DISCUSSION, QUESTION, IDEA = _post("discussion"), _post("question"), _post("idea")
HELD, GUILD_POST = _post("held_post"), _post("guild_post")

CASES = [
    Case("conversations.posts", "GET", _slug, signed_in()),
    Case("conversations.posts", "GET", _approval_slug, only(*MODERATORS), variant="approval"),
    Case("conversations.new_post", "GET", _slug, only(*MEMBERS)),
    Case(
        "conversations.new_post",
        "POST",
        _slug,
        only(*MEMBERS),
        data={"kind": "discussion", "title": "Hello"},
    ),
    Case("conversations.post", "GET", DISCUSSION, signed_in()),
    Case("conversations.post", "GET", GUILD_POST, only(*MODERATORS), variant="approval"),
    Case(
        "conversations.post",
        "GET",
        HELD,
        only(*AUTHOR_OR_MODERATORS, otherwise=NOT_FOUND),
        variant="held",
    ),
    Case("conversations.post_image", "GET", _image("discussion"), signed_in()),
    Case(
        "conversations.post_image",
        "GET",
        _image("guild_post"),
        only(*MODERATORS),
        variant="approval",
    ),
    Case(
        "conversations.post_image",
        "GET",
        _image("held_post"),
        only(*AUTHOR_OR_MODERATORS, otherwise=NOT_FOUND),
        variant="held",
    ),
    Case("conversations.edit_post", "GET", DISCUSSION, only(*AUTHOR_OR_MODERATORS)),
    Case(
        "conversations.edit_post",
        "POST",
        DISCUSSION,
        only(*AUTHOR_OR_MODERATORS),
        data={"title": "Edited"},
    ),
    Case("conversations.delete_post", "GET", DISCUSSION, only(*AUTHOR_OR_MODERATORS)),
    Case("conversations.delete_post", "POST", DISCUSSION, only(*AUTHOR_OR_MODERATORS)),
    Case("conversations.pin_post", "POST", DISCUSSION, only(*MODERATORS)),
    Case("conversations.close_post", "POST", DISCUSSION, only(*MODERATORS)),
    Case("conversations.reply", "POST", DISCUSSION, only(*MEMBERS), data={"body": "Thanks!"}),
    Case("conversations.edit_reply", "GET", _reply, only(*MODERATORS)),
    Case("conversations.edit_reply", "POST", _reply, only(*MODERATORS), data={"body": "Edited"}),
    Case("conversations.delete_reply", "GET", _reply, only(*MODERATORS)),
    Case("conversations.delete_reply", "POST", _reply, only(*MODERATORS)),
    Case("conversations.like_post", "POST", DISCUSSION, only(*MEMBERS)),
    Case("conversations.like_reply", "POST", _reply, only(*MEMBERS)),
    Case("conversations.vote", "POST", IDEA, only(*MEMBERS)),
    Case("conversations.accept_answer", "POST", _reply, only(*AUTHOR_OR_MODERATORS)),
    Case("conversations.unaccept_answer", "POST", QUESTION, only(*AUTHOR_OR_MODERATORS)),
    Case("conversations.idea_status", "GET", IDEA, only(*MODERATORS)),
    Case(
        "conversations.idea_status",
        "POST",
        IDEA,
        only(*MODERATORS),
        data={"status": "planned", "reason": "Next month"},
    ),
    Case("conversations.mark_read", "POST", DISCUSSION, signed_in()),
    Case("conversations.mute", "POST", DISCUSSION, signed_in()),
]


def prepare(world) -> None:
    member, leader = world.users["member"], world.users["leader"]
    community = world.community

    def post(author, community, kind, title, body=""):
        with commands.transaction():  # posting locks its author: nothing may be written before
            return services.create_post(author, community.id, kind, title, body)

    world.objects["discussion"] = post(
        member, community, PostKind.DISCUSSION, "Books on leadership?", "Ideas?"
    )
    question = post(member, community, PostKind.QUESTION, "PMBOK 7?")
    world.objects["question"] = question
    world.objects["idea"] = post(member, community, PostKind.IDEA, "Charity book sale")
    held = post(member, community, PostKind.DISCUSSION, "Waiting")
    with commands.transaction():
        held.state = ContentState.HELD
        for written in (world.objects["discussion"], question, world.objects["idea"], held):
            written.created_at -= timedelta(hours=1)  # the member's next post is in their limits
    world.objects["held_post"] = held
    world.objects["guild_post"] = post(
        leader, world.approval_community, PostKind.DISCUSSION, "Test plans"
    )
    with commands.transaction():
        world.objects["conversation_reply"] = services.create_reply(leader, question.id, "Yes.")
    for name in ("discussion", "held_post", "guild_post"):
        with commands.transaction():
            post_images.change_images(world.objects[name], [BytesIO(_PNG)])


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


_PNG = _png()
