"""What a post's row in a list and a reply's head show, as the keys they are kept under
(core/fragments.py): every value the templates read, and what the reader may do with
them. A template change that reads something new adds it here
(tests/test_conversations_kept_rows.py shows how each is proved)."""

from flask_login import current_user

from conversations.views import bp
from core.fragments import digest, person_link_inputs
from core.permissions import can


@bp.app_template_global()
def post_row_inputs(post, mark, community, thumb) -> tuple:
    """`post_row` (conversations/_conversation_macros.html) reads these."""
    return (
        post.id, post.kind, post.title, post.state, post.state_reason_code,
        post.state_reason, post.pinned, post.closed, post.last_activity_at,
        post.reply_count, post.vote_count, post.idea_status, post.answer_accepted_at,
        person_link_inputs(post.author), community.slug,
        None if mark is None else mark.replies_seen,
        None if thumb is None else thumb.id,
        can(current_user, "site.browse"),
    )  # fmt: skip


@bp.app_template_global()
def reply_head_inputs(reply, post, community, anchor) -> tuple:
    """The head and body of `reply_article` (conversations/_reply.html) read these."""
    return (
        reply.id, reply.state, reply.state_reason_code, reply.state_reason,
        reply.created_at, reply.edited_at, reply.is_accepted, digest(reply.body_html),
        person_link_inputs(reply.author), post.id, community.slug, anchor,
    )  # fmt: skip
