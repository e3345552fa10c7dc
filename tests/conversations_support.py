"""Conversations built through their services, for the tests of conversations."""

from conversations import engagement, services
from conversations.models import PostKind
from core import commands


def make_post(
    author,
    community,
    kind=PostKind.DISCUSSION,
    title="Books on leadership?",
    body="What do you read?",
):
    with commands.transaction():
        return services.create_post(author, community.id, kind, title, body)


def make_reply(author, post, body="Try *Radical Candor*."):
    with commands.transaction():
        return services.create_reply(author, post.id, body)


def accept(user, reply):
    with commands.transaction():
        return engagement.accept_answer(user, reply.id)


def post_url(post, suffix=""):
    return f"/communities/{post.community.slug}/posts/{post.id}{suffix}"
