"""A community's logo (square) and cover image (a wide banner), uploaded by its leaders and
checked and re-encoded as every upload is (core/images.py)."""

from flask_babel import gettext as _

from community.models import Community
from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.images import ImageKind, delete_image_after_commit, keep_image_if_committed, save_image

PICTURES = {
    "logo": ImageKind(
        folder="community-logos", field="logo", size=(400, 400), thumb_size=(96, 96), aspect=1
    ),
    "cover": ImageKind(
        folder="community-covers", field="cover", size=(1600, 400), thumb_size=(640, 160),
        aspect=4,
    ),
}  # fmt: skip


def stored_name(community: Community, which: str) -> str | None:
    return getattr(community, f"{which}_file")


def set_picture(actor, community_id: int, which: str, stream) -> Community:
    """Store a new logo or cover; the old one's files go once this is committed."""
    kind = PICTURES[which]
    community = lock_row(Community, community_id)
    if community is None:
        raise DomainError(_("This community is no longer here."))
    name = keep_image_if_committed(save_image(stream, kind), kind)
    delete_image_after_commit(stored_name(community, which), kind)
    setattr(community, f"{which}_file", name)
    audit.record(actor, f"community.{which}_set", community)
    return community


def remove_picture(actor, community_id: int, which: str) -> Community:
    kind = PICTURES[which]
    community = lock_row(Community, community_id)
    if community is None:
        raise DomainError(_("This community is no longer here."))
    delete_image_after_commit(stored_name(community, which), kind)
    setattr(community, f"{which}_file", None)
    audit.record(actor, f"community.{which}_removed", community)
    return community


def picture_path(community: Community, which: str, thumb: bool = False):
    name = stored_name(community, which)
    return PICTURES[which].path(name, thumb) if name else None
