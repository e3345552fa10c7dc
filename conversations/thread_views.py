"""On a post's page: replies, "Like", "Vote", "Accept answer", an idea's status, the
read mark and "Mute". Joins the conversations blueprint (see post_views.py)."""

from flask import redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from conversations import engagement, reading, services
from conversations.forms import IdeaStatusForm, ReplyForm, new_submit_token
from conversations.models import ContentState, IdeaStatus, Post, Reply
from conversations.post_views import load_post, load_reply, post_url, render_post
from conversations.views import bp
from core import commands
from core.bounds import MAX_INT


def _chosen(name: str) -> bool:
    """A button's "1" (do it) or "0" (undo it); anything else is "1"."""
    return request.form.get(name, "1") != "0"


def _back(post: Post, anchor: str = ""):
    """Back to the post's page, to the part the person acted on when it says so."""
    return redirect(post_url(post) + anchor)


def _to_reply(post: Post, reply_id: int):
    """To the page of the thread that ends with this reply."""
    return redirect(post_url(post, before=min(reply_id + 1, MAX_INT)) + f"#reply-{reply_id}")


# --- replies ----------------------------------------------------------------------------


@bp.post("/communities/<slug>/posts/<int:post_id>/replies")
def reply(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.reply")
    form = ReplyForm()
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.create_reply(
                current_user, post.id, form.body.data, form.submit_token.data
            ),
            done=lambda reply: (
                _("Your reply is posted.")
                if reply.is_visible
                else (_("Your reply is awaiting approval by the community's leaders."), "info")
            ),
            form=form,
        )
        if outcome.ok:
            return _to_reply(post, outcome.value.id)
        form.submit_token.data = new_submit_token()  # what it says now is sent as new
    return render_post(post, form), 400


@bp.route(
    "/communities/<slug>/posts/<int:post_id>/replies/<int:reply_id>/edit", methods=["GET", "POST"]
)
def edit_reply(slug: str, post_id: int, reply_id: int):
    post = load_post(slug, post_id)
    reply = load_reply(post, reply_id, "conversations.edit")
    form = ReplyForm(obj=reply)
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.edit_reply(current_user, reply.id, form.body.data),
            done=lambda reply: (
                (_("Your reply is awaiting approval by the community's leaders."), "info")
                if reply.state == ContentState.HELD
                else _("Your changes are saved.")
            ),
            form=form,
        )
        if outcome.ok:
            return redirect(
                post_url(post, before=min(reply.id + 1, MAX_INT)) + f"#reply-{reply.id}"
            )
    return render_template(
        "conversations/reply_form.html", form=form, post=post, community=post.community, reply=reply
    ), (400 if request.method == "POST" else 200)


@bp.route(
    "/communities/<slug>/posts/<int:post_id>/replies/<int:reply_id>/delete", methods=["GET", "POST"]
)
def delete_reply(slug: str, post_id: int, reply_id: int):
    """GET asks "Delete this reply?"; the POST of its button deletes."""
    post = load_post(slug, post_id)
    reply = load_reply(post, reply_id, "conversations.delete")
    if request.method == "GET":
        return render_template(
            "conversations/confirm_delete.html", community=post.community, post=post, reply=reply
        )
    commands.run(
        lambda: services.delete_reply(current_user, reply.id), done=_("The reply is deleted.")
    )
    return _back(post)


# --- likes, votes, answers ---------------------------------------------------------------


@bp.post("/communities/<slug>/posts/<int:post_id>/like")
def like_post(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.react")
    commands.run(lambda: engagement.set_liked(current_user, Post, post.id, _chosen("liked")))
    return _back(post)


@bp.post("/communities/<slug>/posts/<int:post_id>/replies/<int:reply_id>/like")
def like_reply(slug: str, post_id: int, reply_id: int):
    post = load_post(slug, post_id)
    reply = load_reply(post, reply_id, "conversations.react")
    commands.run(lambda: engagement.set_liked(current_user, Reply, reply.id, _chosen("liked")))
    return _to_reply(post, reply.id)


@bp.post("/communities/<slug>/posts/<int:post_id>/vote")
def vote(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.vote")
    voted = _chosen("voted")
    commands.run(
        lambda: engagement.set_voted(current_user, post.id, voted),
        done=_("Your vote is counted.") if voted else _("Your vote is taken back."),
    )
    return _back(post)


@bp.post("/communities/<slug>/posts/<int:post_id>/replies/<int:reply_id>/accept")
def accept_answer(slug: str, post_id: int, reply_id: int):
    post = load_post(slug, post_id, "conversations.accept_answer")
    reply = load_reply(post, reply_id)
    commands.run(
        lambda: engagement.accept_answer(current_user, reply.id),
        done=_("The answer is accepted."),
    )
    return _back(post, "#answer")


@bp.post("/communities/<slug>/posts/<int:post_id>/unaccept")
def unaccept_answer(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.accept_answer")
    commands.run(
        lambda: engagement.unaccept_answer(current_user, post.id),
        done=_("The question has no accepted answer now."),
    )
    return _back(post)


@bp.route("/communities/<slug>/posts/<int:post_id>/status", methods=["GET", "POST"])
def idea_status(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.set_idea_status")
    form = IdeaStatusForm(
        status=(post.idea_status or IdeaStatus.OPEN).value, reason=post.idea_status_reason
    )
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: engagement.set_idea_status(
                current_user, post.id, IdeaStatus(form.status.data), form.reason.data
            ),
            done=_("The idea's status is saved."),
            form=form,
        )
        if outcome.ok:
            return _back(post)
    return render_template(
        "conversations/idea_status.html", form=form, post=post, community=post.community
    ), (400 if request.method == "POST" else 200)


# --- reading ----------------------------------------------------------------------------


@bp.post("/communities/<slug>/posts/<int:post_id>/read")
def mark_read(slug: str, post_id: int):
    """The read mark: posted by static/js/read-mark.js when the page is shown (204), or by
    the "Mark as read" button without JavaScript (back to the page)."""
    post = load_post(slug, post_id)
    seen = request.form.get("replies_seen", type=int)
    seen = seen if seen is not None and 0 <= seen <= MAX_INT else None
    commands.run(lambda: reading.mark_read(current_user, post.id, replies_seen=seen))
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204
    return _back(post)


@bp.post("/communities/<slug>/posts/<int:post_id>/mute")
def mute(slug: str, post_id: int):
    post = load_post(slug, post_id)
    muted = _chosen("muted")
    commands.run(
        lambda: reading.set_muted(current_user, post.id, muted),
        done=_("You will not be told of new replies to this post.")
        if muted
        else _("You will be told of new replies to this post again."),
    )
    return _back(post)
