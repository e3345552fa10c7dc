"""Where a post is read: the posting pages' `conversations.post` (slug, post_id), for the
pages that link to posts from elsewhere (home, profiles)."""

from flask import url_for
from werkzeug.routing import BuildError

from conversations.views import bp
from core.bounds import MAX_INT


@bp.app_template_global()
def post_url(post, reply=None) -> str:
    """The post's page, at `reply` when given; its path when the page's endpoint is not
    registered in this app (the posting pages come with their own module)."""
    values = {}
    if reply is not None:  # the page of the thread that ends with the reply
        values = {"before": min(reply.id + 1, MAX_INT), "_anchor": f"reply-{reply.id}"}
    try:
        return url_for("conversations.post", slug=post.community.slug, post_id=post.id, **values)
    except BuildError:
        path = f"/communities/{post.community.slug}/posts/{post.id}"
        if reply is not None:
            path += f"?before={values['before']}#{values['_anchor']}"
        return path
