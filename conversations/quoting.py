"""Quoting a reply in a new one: its Markdown as a blockquote that names who wrote it."""

from flask_babel import gettext as _

from conversations.forms import BODY_LENGTH
from conversations.models import Post, Reply
from core.extensions import db

QUOTE_LENGTH = BODY_LENGTH // 4  # room left for the answer


def quoted(post: Post, reply_id: int) -> str:
    """The reply `reply_id` of `post` as a Markdown blockquote, or "" when there is no
    such visible reply (a stale or forged link quotes nothing)."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.post_id != post.id or not reply.is_visible:
        return ""
    text = reply.body.strip()
    if len(text) > QUOTE_LENGTH:
        text = text[:QUOTE_LENGTH].rstrip() + " …"
    lines = [_("%(name)s wrote:", name=reply.author.display_name), "", *text.splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
