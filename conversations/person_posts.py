"""A person's page (/people/<id>) shows their recent posts: visible ones, in communities
the viewer may read, the newest first, in one query."""

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from accounts.people_views import register_person_section
from conversations.models import ContentState, Post
from conversations.readers import readable_communities
from core.extensions import db
from core.permissions import is_signed_in

RECENT_POSTS = 5


def recent_posts(person, viewer) -> list[Post]:
    if not is_signed_in(viewer):
        return []
    return list(
        db.session.execute(
            select(Post)
            .options(joinedload(Post.community))
            .where(
                Post.author_id == person.id,
                Post.state == ContentState.VISIBLE,
                Post.community_id.in_(readable_communities(viewer)),
            )
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(RECENT_POSTS)
        ).scalars()
    )


register_person_section(
    "conversations/_person_posts.html",
    lambda person: {"posts": recent_posts(person, current_user)},
)
