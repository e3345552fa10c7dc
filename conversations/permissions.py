"""Who may read, write and moderate a community's conversations.

Reading follows the community's join policy: every employee reads an open
community's conversations, only members an approval community's. Writing is for
members who were not removed as spam. Leaders (and admins) moderate.
"""

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select

from community.models import JoinPolicy
from community.services import is_leader, is_member
from conversations.models import ContentState, PostingBan, PostKind
from core.extensions import db
from core.permissions import can, is_admin, is_signed_in, rule


def _moderates(user, community) -> bool:
    return is_admin(user) or (is_signed_in(user) and is_leader(user, community))


def is_banned(user, community, *, cached: bool = True) -> bool:
    """Whether the person was removed as spam from the community; asked once per request
    (a thread's page asks for every reply it shows), or again when not `cached`."""
    cache = g.setdefault("_posting_bans", {}) if has_request_context() else {}
    key = (user.id, community.id)
    if key not in cache or not cached:
        cache[key] = (
            db.session.execute(
                select(PostingBan.id).where(
                    PostingBan.community_id == community.id, PostingBan.user_id == user.id
                )
            ).first()
            is not None
        )
    return cache[key]


@rule("conversations.read")
def _can_read(user, community) -> bool:
    if not can(user, "community.view", community):
        return False
    return (
        community.join_policy == JoinPolicy.OPEN
        or is_member(user, community)
        or _moderates(user, community)
    )


@rule("conversations.post")
def _can_post(user, community) -> bool:
    return (
        is_signed_in(user)
        and not community.is_archived
        and is_member(user, community)
        and not is_banned(user, community)
    )


@rule("conversations.announce")
def _can_announce(user, community) -> bool:
    return not community.is_archived and _moderates(user, community)


@rule("conversations.moderate")
def _can_moderate(user, community) -> bool:
    return _moderates(user, community)


@rule("conversations.moderate_site")
def _can_moderate_site(user, _obj) -> bool:
    return is_admin(user)


@rule("conversations.view_post")
def _can_view_post(user, post) -> bool:
    """Held, hidden and removed posts are seen by their author and moderators only."""
    if not can(user, "conversations.read", post.community):
        return False
    return (
        post.state == ContentState.VISIBLE
        or (is_signed_in(user) and post.author_id == user.id)
        or _moderates(user, post.community)
    )


@rule("conversations.reply")
def _can_reply(user, post) -> bool:
    return (
        post.state == ContentState.VISIBLE
        and not post.closed
        and can(user, "conversations.post", post.community)
    )


@rule("conversations.edit")
def _can_edit(user, item) -> bool:
    """A post or a reply: its author while they may still post, or a moderator."""
    community = _community_of(item)
    own = is_signed_in(user) and item.author_id == user.id
    return (own and can(user, "conversations.post", community)) or _moderates(user, community)


@rule("conversations.delete")
def _can_delete(user, item) -> bool:
    community = _community_of(item)
    own = is_signed_in(user) and item.author_id == user.id
    return own or _moderates(user, community)


@rule("conversations.accept_answer")
def _can_accept_answer(user, post) -> bool:
    if post.kind != PostKind.QUESTION or post.state != ContentState.VISIBLE:
        return False
    asker = is_signed_in(user) and post.author_id == user.id
    return asker or _moderates(user, post.community)


@rule("conversations.vote")
def _can_vote(user, post) -> bool:
    return (
        post.kind == PostKind.IDEA
        and post.state == ContentState.VISIBLE
        and can(user, "conversations.post", post.community)
    )


@rule("conversations.set_idea_status")
def _can_set_idea_status(user, post) -> bool:
    return post.kind == PostKind.IDEA and _moderates(user, post.community)


@rule("conversations.react")
def _can_react(user, item) -> bool:
    """ "Like" a visible post or reply: members who may post."""
    return item.state == ContentState.VISIBLE and can(
        user, "conversations.post", _community_of(item)
    )


@rule("conversations.report")
def _can_report(user, item) -> bool:
    """ "Report" a visible post or reply someone else wrote: members of the community, but
    not those removed as spam there (a report's reason is mailed to the leaders)."""
    community = _community_of(item)
    return (
        is_signed_in(user)
        and item.state == ContentState.VISIBLE
        and item.author_id != user.id
        and is_member(user, community)
        and not is_banned(user, community)
    )


@rule("conversations.watched_words")
def _can_manage_watched_words(user, _obj) -> bool:
    return is_admin(user)


def _community_of(item):
    """The community of a post, or of a reply's post."""
    return item.community if hasattr(item, "community") else item.post.community


# --- moderation (conv_moderation): rules the moderation pages add ------------------------


def why_not_remove_as_spam(user, item) -> str | None:
    """Why `user` may not remove `item`'s author as spam, in words for them; None when
    they may. A leader or admin removes someone else's content, never their own; an
    admin's, or a leader's of the same community, only an admin: a leader cannot ban a
    co-leader (they may still hide or reject one post of theirs)."""
    community = _community_of(item)
    if not _moderates(user, community):
        return _("Only the community's leaders and admins remove spam.")
    if item.author_id == user.id:
        return _("You cannot remove yourself as spam.")
    if is_admin(user):
        return None
    if is_admin(item.author):
        return _("Only an admin can remove an admin as spam.")
    if is_leader(item.author, community):
        return _("Only an admin can remove a leader of this community as spam.")
    return None


@rule("conversations.remove_as_spam")
def _can_remove_as_spam(user, item) -> bool:
    return why_not_remove_as_spam(user, item) is None


@rule("conversations.deactivate_spammer")
def _can_deactivate_spammer(user, item) -> bool:
    """Admins may also deactivate the account of a person they remove as spam."""
    return is_admin(user) and item.author_id != user.id


@rule("conversations.mention")
def _can_ask_whom_to_mention(user, community) -> bool:
    """The names suggested after "@" while writing: for those who may write there."""
    return can(user, "conversations.post", community) or can(
        user, "conversations.announce", community
    )
