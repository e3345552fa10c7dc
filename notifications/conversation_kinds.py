"""The kinds of notification conversations send, and the signals that send them.

Conversations send core.signals' post_published / reply_published (only for content
readers can see), idea_status_changed, content_reported and content_moderated; the
listeners here decide who is told: never the person who acted, only people who may read
the post, each once (a signal sent twice tells once: every notification has a dedupe
key). Everything goes through `notify_many`, so a thread with hundreds of repliers or
an announcement to thousands of members costs a fixed number of statements.
"""

import hashlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import select

from accounts.models import User
from community.history import active_leader_clause
from community.models import Membership
from conversations.mentions import mentioned_people
from conversations.models import ContentState, IdeaStatus, IdeaVote, Post, PostKind, PostRead, Reply
from conversations.readers import members_clause, readers_clause
from conversations.reasons import reason_text
from core.bounds import MAX_INT
from core.permissions import can
from core.signals import (
    content_moderated,
    content_reported,
    idea_status_changed,
    post_published,
    reply_published,
)
from notifications.models import Delivery
from notifications.registry import LEADERS, PERSON, Kind, register
from notifications.services import Link, notify_many

# With a context of their own: the pages' labels for the same words are conversations'.
IDEA_STATUS_LABELS = {
    IdeaStatus.OPEN: lazy_pgettext("idea status", "Open"),
    IdeaStatus.UNDER_REVIEW: lazy_pgettext("idea status", "Under review"),
    IdeaStatus.PLANNED: lazy_pgettext("idea status", "Planned"),
    IdeaStatus.DONE: lazy_pgettext("idea status", "Done"),
    IdeaStatus.DECLINED: lazy_pgettext("idea status", "Declined"),
}
DECISION_LABELS = {
    "hidden": lazy_pgettext("taken down", "hidden"),
    "rejected": lazy_pgettext("taken down", "rejected"),
    "removed": lazy_pgettext("taken down", "removed"),
}


# --- subjects, worded from a notification's params in the reader's language when shown ---


def _item_named(title: str, is_reply: bool) -> str:
    """The item in the reader's words: “Title”, or “a reply in “Title””."""
    if is_reply:
        return _("a reply in “%(title)s”", title=title)
    return _("“%(title)s”", title=title)


def _idea_status_subject(params: dict) -> str:
    said = f"{params['title']} — {IDEA_STATUS_LABELS[IdeaStatus(params['status'])]}"
    return f"{said}: {params['reason']}" if params.get("reason") else said


def _reported_subject(params: dict) -> str:
    said = f"{_item_named(params['title'], params['reply'])} ({params['community']})"
    if params.get("reason"):
        said = f"{said} — {params['reason']}"
    if params.get("hidden"):
        said = f"{said} · {_('hidden until a leader decides')}"
    return said


def _moderated_subject(params: dict) -> str:
    said = _item_named(params["title"], params["reply"])
    if label := DECISION_LABELS.get(params.get("decision")):
        said = f"{said} — {label}"
    reason = reason_text(params.get("reason_code"), params.get("reason"))
    return f"{said}: {reason}" if reason else said


# "mention" and "reply" keep the names they were offered under before conversations came.
MENTION = register(Kind(
    "mention", _l("Someone mentions me"),
    _l("You were mentioned in %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
REPLY = register(Kind(
    "reply", _l("Someone replies to my post"),
    _l("New reply to %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
THREAD_REPLY = register(Kind(
    "thread_reply", _l("Someone replies in a post I replied to"),
    _l("New reply in %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
ANNOUNCEMENT = register(Kind(
    "announcement", _l("A community I am in makes an announcement"),
    _l("Announcement in %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
IDEA_STATUS = register(Kind(
    "idea_status", _l("An idea I voted for gets a new status"),
    _l("An idea you voted for has a new status: %(subject)s"), Delivery.IN_APP, PERSON,
    subject_from=_idea_status_subject,
))  # fmt: skip
CONTENT_REPORTED = register(Kind(
    "content_reported", _l("Someone reports a post or reply in a community I lead"),
    _l("Reported for moderation: %(subject)s"), Delivery.EMAIL_NOW, LEADERS,
    subject_from=_reported_subject,
))  # fmt: skip
CONTENT_MODERATED = register(Kind(
    "content_moderated", _l("A leader hides, rejects or removes my post or reply"),
    _l("A leader took down %(subject)s"), Delivery.EMAIL_NOW, PERSON,
    subject_from=_moderated_subject,
))  # fmt: skip


def post_link(post: Post, reply: Reply | None = None) -> Link:
    """The post's page (conversations.post), or the page of its thread that ends with the
    reply, at the reply. The path is kept too: it opens the page if the endpoint cannot be
    built."""
    args = {"slug": post.community.slug, "post_id": post.id}
    path = f"/communities/{post.community.slug}/posts/{post.id}"
    if reply is not None:
        args.update(before=min(reply.id + 1, MAX_INT), _anchor=f"reply-{reply.id}")
        path += f"?before={args['before']}#reply-{reply.id}"
    return Link("conversations.post", args, path=path)


def _readers_of(post: Post, people):
    """SELECT of the ids among `people` (ids or a SELECT) who may read `post`'s community
    and have not muted the post."""
    muted = select(PostRead.user_id).where(PostRead.post_id == post.id, PostRead.muted)
    return select(User.id).where(
        User.id.in_(people), User.id.not_in(muted), readers_clause(post.community)
    )


# --- listeners --------------------------------------------------------------------------


def _tell_mentioned(post: Post, text: str, author_id: int, link: Link, key: str) -> set[int]:
    people = [
        person
        for person in mentioned_people(text, post.community)
        if person.id != author_id and can(person, "conversations.view_post", post)
    ]
    if not people:
        return set()
    return notify_many(MENTION.name, [p.id for p in people], post.title, link, dedupe_key=key)


def _on_post_published(post: Post, actor=None, **_extra) -> None:
    link = post_link(post)
    _tell_mentioned(
        post, f"{post.title}\n{post.body}", post.author_id, link, f"mention:post:{post.id}"
    )
    if post.kind == PostKind.ANNOUNCEMENT:
        members = select(User.id).where(members_clause(post.community), User.id != post.author_id)
        notify_many(
            ANNOUNCEMENT.name, members, f"{post.community.name}: {post.title}", link,
            dedupe_key=f"announcement:{post.id}",
        )  # fmt: skip


def _on_reply_published(reply: Reply, actor=None, **_extra) -> None:
    post = reply.post
    if post.state != ContentState.VISIBLE:
        # A reply approved inside a held, hidden or removed post tells nobody: its link
        # would lead a reader to a page they cannot open. Nor is it told later, when the
        # post shows again: by then it is old news, and the thread shows it as unread.
        return
    link = post_link(post, reply)
    told = _tell_mentioned(post, reply.body, reply.author_id, link, f"mention:reply:{reply.id}")
    told.add(reply.author_id)
    if post.author_id not in told:
        notify_many(
            REPLY.name, _readers_of(post, [post.author_id]), post.title, link,
            dedupe_key=f"reply:{reply.id}",
        )  # fmt: skip
    told.add(post.author_id)
    repliers = select(Reply.author_id).where(
        Reply.post_id == post.id,
        Reply.state == ContentState.VISIBLE,
        Reply.id != reply.id,
        Reply.author_id.not_in(told),
    )
    notify_many(
        THREAD_REPLY.name, _readers_of(post, repliers), post.title, link,
        dedupe_key=f"thread_reply:{reply.id}",
    )  # fmt: skip


def _on_idea_status_changed(post: Post, actor=None, status=None, reason="", **_extra) -> None:
    if not (status or post.idea_status) or post.state != ContentState.VISIBLE:
        # A hidden or removed idea's voters cannot open it: as for a reply approved
        # inside such a post, its link would lead nowhere, so nobody is told.
        return
    status = IdeaStatus(status or post.idea_status)
    reason = (reason or "").strip()
    voters = select(IdeaVote.user_id).where(IdeaVote.post_id == post.id)
    if actor is not None:
        voters = voters.where(IdeaVote.user_id != actor.id)
    said = hashlib.sha256(reason.encode()).hexdigest()[:16]
    params = {"title": post.title, "status": status.value, "reason": reason}
    notify_many(
        IDEA_STATUS.name, _readers_of(post, voters), "", post_link(post), params=params,
        dedupe_key=f"idea_status:{post.id}:{status.value}:{said}",
    )  # fmt: skip


def _post_and_reply(item) -> tuple[Post, Reply | None]:
    return (item.post, item) if isinstance(item, Reply) else (item, None)


def _on_content_reported(item, report=None, hidden=False, **_extra) -> None:
    post, reply = _post_and_reply(item)
    community = post.community
    params = {
        "title": post.title,
        "reply": reply is not None,
        "community": community.name,
        "reason": (getattr(report, "reason", "") or "").strip(),
        "hidden": bool(hidden),
    }
    leaders = select(Membership.user_id).where(
        Membership.community_id == community.id, active_leader_clause()
    )
    if report is not None:
        leaders = leaders.where(Membership.user_id != report.user_id)
    key = f"content_reported:{report.id}" if report is not None else None
    notify_many(CONTENT_REPORTED.name, leaders, "", post_link(post, reply), params=params,
                dedupe_key=key)  # fmt: skip
    if hidden:  # members' reports hid it: its author hears why, as from a leader's "Hide"
        _on_content_moderated(
            item, decision="hidden", reason=item.state_reason or "",
            reason_code=item.state_reason_code,
        )  # fmt: skip


def _on_content_moderated(
    item, actor=None, decision="", reason="", reason_code=None, **_extra
) -> None:
    post, reply = _post_and_reply(item)
    if actor is not None and actor.id == item.author_id:
        return  # a leader taking down their own words needs no notice
    reason = (reason or "").strip()
    params = {
        "title": post.title,
        "reply": reply is not None,
        "decision": decision,
        "reason": reason,
        "reason_code": str(reason_code) if reason_code else None,
    }
    what = f"reply:{reply.id}" if reply is not None else f"post:{post.id}"
    said = hashlib.sha256((reason_code or reason).encode()).hexdigest()[:16]
    link = post_link(post, reply)
    if not can(item.author, "conversations.view_post", post):
        # A reply in a post its author can no longer open (hidden, say): the notice leads
        # to the community's conversations, not to a page that is not found.
        slug = post.community.slug
        link = Link("conversations.posts", {"slug": slug}, path=f"/communities/{slug}/posts")
    notify_many(
        CONTENT_MODERATED.name, [item.author_id], "", link, params=params,
        dedupe_key=f"content_moderated:{what}:{decision}:{said}",
    )  # fmt: skip


def connect_signals() -> None:
    # weak=False: the functions live as long as the module; blinker keeps them as given.
    post_published.connect(_on_post_published, weak=False)
    reply_published.connect(_on_reply_published, weak=False)
    idea_status_changed.connect(_on_idea_status_changed, weak=False)
    content_reported.connect(_on_content_reported, weak=False)
    content_moderated.connect(_on_content_moderated, weak=False)
