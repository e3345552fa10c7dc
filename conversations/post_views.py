"""A community's conversations: the list, a post's page, and writing and managing posts.

Replies, likes, votes, answers and read marks are in thread_views.py; both join the
conversations blueprint.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.services import remember_memberships
from community.views import load_community, register_community_link, register_community_section
from conversations import engagement, post_images, queries, reading, services
from conversations.forms import (
    IDEA_STATUS_LABELS,
    KIND_LABELS,
    PostEditForm,
    PostForm,
    ReplyForm,
    new_submit_token,
)
from conversations.models import ContentState, Post, PostImage, PostKind, Reply
from conversations.permissions import is_banned
from conversations.quoting import quoted
from conversations.views import bp
from core import commands
from core.bounds import MAX_INT, query_int
from core.extensions import db
from core.images import image_response
from core.limits import accepts_files
from core.permissions import can, is_signed_in, require

register_community_link("conversations.posts", _l("Conversations"), "conversations.read")


def _community_section(community, user) -> dict:
    if not can(user, "conversations.read", community):
        return {"posts": None}
    posts = queries.latest_posts(community)
    return {"posts": posts, "marks": reading.read_marks(user, [p.id for p in posts])}


register_community_section("conversations/_community_conversations.html", _community_section)


bp.add_app_template_global(KIND_LABELS, "post_kind_labels")


@bp.app_template_global("banned_here")
def banned_here(community) -> bool:
    """Whether the current user was removed as spam there: the pages then say why they
    offer no "New post" or reply form, rather than leaving them out unexplained."""
    return is_signed_in(current_user) and is_banned(current_user, community)


bp.add_app_template_global(IDEA_STATUS_LABELS, "idea_status_labels")


# --- loading ----------------------------------------------------------------------------


def load_conversations(slug: str):
    """The community whose conversations the current user may read (404 when hidden)."""
    return load_community(slug, "conversations.read")


def load_post(slug: str, post_id: int, action: str | None = None) -> Post:
    """The post of this community that the current user may see (404 otherwise), after
    checking `action` on it (403)."""
    community = load_conversations(slug)
    post = db.session.get(Post, post_id)
    if post is None or post.community_id != community.id:
        abort(404)
    require("conversations.view_post", post, hide=True)
    if action is not None:
        require(action, post)
    return post


def load_reply(post: Post, reply_id: int, action: str | None = None) -> Reply:
    """A reply of this post: one others cannot see yet only for its author and moderators."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.post_id != post.id:
        abort(404)
    if not reply.is_visible and not (
        reply.author_id == current_user.id
        or can(current_user, "conversations.moderate", post.community)
    ):
        abort(404)
    if action is not None:
        require(action, reply)
    return reply


def post_url(post: Post, **values) -> str:
    return url_for("conversations.post", slug=post.community.slug, post_id=post.id, **values)


# --- the list ---------------------------------------------------------------------------


@bp.route("/communities/<slug>/posts")
def posts(slug: str):
    community = load_conversations(slug)
    chosen = queries.Filter.read(request.args.get("filter"))
    after = queries.Cursor.read(request.args.get("after"))
    page = queries.post_page(community, chosen, after)
    pinned = queries.pinned_posts(community, chosen) if after is None else []
    waiting = queries.own_waiting_posts(current_user, community) if after is None else []
    shown = [*pinned, *page.posts, *waiting]
    return render_template(
        "conversations/list.html",
        community=community,
        chosen=chosen,
        filters=queries.Filter,
        pinned=pinned,
        page=page,
        waiting=waiting,
        after=after,
        marks=reading.read_marks(current_user, [p.id for p in shown]),
        thumbs=post_images.first_images([p.id for p in shown]),
    )


# --- writing a post ---------------------------------------------------------------------


@bp.route("/communities/<slug>/posts/new", methods=["GET", "POST"])
@accepts_files("MAX_POST_UPLOAD_SIZE")
def new_post(slug: str):
    community = load_community(slug, "conversations.post")
    form = PostForm()
    form.offer_kinds(can(current_user, "conversations.announce", community))
    if not request.form and request.args.get("kind") in {c.value for c in form.kind.choices}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.create_post(
                current_user,
                community.id,
                PostKind(form.kind.data),
                form.title.data,
                form.body.data or "",
                form.submit_token.data,
                images=form.uploads(),
                caption=form.caption.data,
            ),
            done=lambda post: (
                _("Your post is published.")
                if post.is_visible
                else (_("Your post is awaiting approval by the community's leaders."), "info")
            ),
            form=form,
        )
        if outcome.ok:
            return redirect(post_url(outcome.value))
        form.submit_token.data = new_submit_token()  # what it says now is sent as new
    return render_template("conversations/post_form.html", form=form, community=community), (
        400 if request.method == "POST" else 200
    )


@bp.route("/communities/<slug>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@accepts_files("MAX_POST_UPLOAD_SIZE")
def edit_post(slug: str, post_id: int):
    post = load_post(slug, post_id, "conversations.edit")
    shown = {"title": post.title, "body": post.body, "caption": post_images.shared_caption(post)}
    form = PostEditForm(data=shown).offer_removal(post)
    if form.validate_on_submit():
        outcome = commands.run(
            lambda: services.edit_post(
                current_user,
                post.id,
                form.title.data,
                form.body.data or "",
                images=form.uploads(),
                remove_images=form.remove_images.data or [],
                caption=form.caption.data,
            ),
            done=lambda post: (
                (_("Your post is awaiting approval by the community's leaders."), "info")
                if post.state == ContentState.HELD
                else _("Your changes are saved.")
            ),
            form=form,
        )
        if outcome.ok:
            return redirect(post_url(post))
    return render_template(
        "conversations/post_form.html", form=form, community=post.community, post=post
    ), (400 if request.method == "POST" else 200)


@bp.route("/communities/<slug>/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(slug: str, post_id: int):
    """GET asks "Delete this post?"; the POST of its button deletes."""
    post = load_post(slug, post_id, "conversations.delete")
    if request.method == "GET":
        return render_template(
            "conversations/confirm_delete.html", community=post.community, post=post, reply=None
        )
    commands.run(
        lambda: services.delete_post(current_user, post.id), done=_("The post is deleted.")
    )
    return redirect(url_for("conversations.posts", slug=slug))


def _leaders_switch(slug: str, post_id: int, field: str, change, on: str, off: str):
    """A leader's button that sets one of a post's switches (`field` "1" on, "0" off)."""
    post = load_post(slug, post_id)
    require("conversations.moderate", post.community)
    value = request.form.get(field, "1") != "0"
    commands.run(lambda: change(current_user, post.id, value), done=on if value else off)
    return redirect(post_url(post))


@bp.post("/communities/<slug>/posts/<int:post_id>/pin")
def pin_post(slug: str, post_id: int):
    return _leaders_switch(
        slug, post_id, "pinned", services.set_pinned,
        _("The post is pinned."), _("The post is unpinned."),
    )  # fmt: skip


@bp.post("/communities/<slug>/posts/<int:post_id>/close")
def close_post(slug: str, post_id: int):
    return _leaders_switch(
        slug, post_id, "closed", services.set_closed,
        _("The post is closed: it takes no more replies."),
        _("The post is open for replies again."),
    )  # fmt: skip


@bp.route("/communities/<slug>/posts/<int:post_id>/images/<int:image_id>")
def post_image(slug: str, post_id: int, image_id: int):
    """One of a post's pictures, for whoever may see the post (404 for anyone else)."""
    post = load_post(slug, post_id)
    image = db.session.get(PostImage, image_id)
    if image is None or image.post_id != post.id:
        abort(404)
    path = post_images.image_path(image, thumb=request.args.get("size") == "thumb")
    if not path.is_file():
        abort(404)
    return image_response(path)


# --- a post's page ----------------------------------------------------------------------


@bp.route("/communities/<slug>/posts/<int:post_id>")
def post(slug: str, post_id: int):
    post = load_post(slug, post_id)
    form = ReplyForm()
    quote_id = query_int("quote")
    if quote_id is not None and not form.body.data:
        form.body.data = quoted(post, quote_id)
    return render_post(post, form), 200


def render_post(post: Post, form: ReplyForm) -> str:
    """The post's page, with `form` (refused, it shows its errors beside the field)."""
    after = query_int("after")
    before = MAX_INT if request.args.get("latest") else query_int("before")
    thread = queries.thread(post, after=after, before=before)
    moderates = can(current_user, "conversations.moderate", post.community)
    unseen = queries.unseen_replies(current_user, post, moderates)
    answer = engagement.accepted_answer(post)
    replies = [*thread.replies, *unseen, *([answer] if answer else [])]
    if moderates:  # whether each author leads there ("Remove as spam" is not offered then)
        remember_memberships({(item.author_id, post.community_id) for item in [post, *replies]})
    mark = reading.read_marks(current_user, [post.id]).get(post.id)
    return render_template(
        "conversations/post.html",
        community=post.community,
        post=post,
        thread=thread,
        unseen=unseen,
        answer=answer,
        form=form,
        mark=mark,
        liked=engagement.liked_by(current_user, [post], replies),
        voted=engagement.has_voted(current_user, post),
        moderates=moderates,
    )
