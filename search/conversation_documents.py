"""Conversations' posts in search: title and text, found by those who may read them.

A post's document holds its visible replies' text too (the first REPLIES_INDEXED, up to
REPLY_TEXT_CHARS), so a word said in a reply finds its thread, once: adding, hiding or
restoring a reply recounts the post's replies (conversations/counts.py), which changes
the post and so refreshes its document.

A visible post is found by whoever may read its community's conversations
(conversations.read: every employee in an open community, its members in an approval
one). Held, hidden and removed posts are found by nobody (admins, who find everything,
aside): until a leader approves it, held content is seen only by its author and in the
moderation queue. A post's state changes through the session, so the index follows it.
"""

from flask_babel import lazy_pgettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, object_session

from community.models import Community, JoinPolicy
from conversations.models import ContentState, Post, Reply
from search.documents import plain_text
from search.registry import EVERYONE, Document, Follows, Kind, leaders_of, members_of, register

NOBODY = "nobody"  # a token no searcher holds: only admins (who see all) find it
REPLIES_INDEXED = 200
REPLY_TEXT_CHARS = 50_000


def _community_of(post: Post) -> Community:
    """The post's community, also for a post added by its id alone and being flushed (a
    pending row does not load its relationships)."""
    if post.community is not None:
        return post.community
    return object_session(post).get(Community, post.community_id)


def _audience(post: Post, community: Community) -> list[str]:
    if post.state != ContentState.VISIBLE:
        return [NOBODY]
    if community.is_archived:
        return [leaders_of(community.id)]
    if community.join_policy == JoinPolicy.OPEN:
        return [EVERYONE]
    return [members_of(community.id), leaders_of(community.id)]


def _replies_text(post: Post) -> str:
    """The visible replies' words, oldest first, bounded (one query, in the session that
    loaded the post: a request's, or a rebuild's own)."""
    session = object_session(post)
    if session is None or post.id is None:
        return ""
    said, length = [], 0
    for html in session.execute(
        select(Reply.body_html)
        .where(Reply.post_id == post.id, Reply.state == ContentState.VISIBLE)
        .order_by(Reply.id)
        .limit(REPLIES_INDEXED)
    ).scalars():
        text = plain_text(html)
        said.append(text)
        length += len(text)
        if length >= REPLY_TEXT_CHARS:
            break
    return "\n".join(said)[:REPLY_TEXT_CHARS]


def post_document(post: Post) -> Document:
    community = _community_of(post)
    return Document(
        title=post.title,
        body="\n".join(filter(None, [plain_text(post.body_html), _replies_text(post)])),
        audience=_audience(post, community),
        endpoint="conversations.post",
        url_args={"slug": community.slug, "post_id": post.id},
        context=community.name,
        parents=[f"community:{community.id}"],
    )


register(
    Kind(
        name="post",
        label=lazy_pgettext("search", "Conversations"),  # the conversations' own label differs
        singular=lazy_pgettext("search", "Post"),
        model=Post,
        document=post_document,
        search_columns=lambda: [Post.title, Post.body],
        load_options=lambda: [joinedload(Post.community)],
        follows=(
            Follows(Community, "community_id", when=("name", "slug", "archived_at", "join_policy")),
        ),
    )
)
