"""A post's pictures: up to MAX_POST_IMAGES, each checked and re-encoded as every upload is
(core/images.py), added when the post is written or edited and removed on its edit form.

The files follow the transaction: a refused post leaves none behind, and a removed
picture's (or a deleted post's) files go once the command has committed.
"""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from conversations.models import CAPTION_LENGTH, Post, PostImage
from core.errors import DomainError
from core.extensions import db
from core.images import (
    ImageKind,
    delete_image_after_commit,
    keep_image_if_committed,
    save_image,
)
from core.text import one_line

MAX_POST_IMAGES = 4
POST_IMAGES = ImageKind(
    folder="post-images", field="images", size=(1600, 1600), thumb_size=(320, 320)
)


def change_images(post: Post, uploads=(), remove_ids=(), caption: str | None = None) -> None:
    """Remove the chosen pictures of `post` and add the uploaded ones (file streams), with
    `caption` as their description; a caption other than the one the pictures share
    describes them all."""
    uploads = list(uploads)
    removed = [image for image in post.images if image.id in set(remove_ids)]
    kept = len(post.images) - len(removed)
    if kept + len(uploads) > MAX_POST_IMAGES:
        raise DomainError(
            ngettext(
                "A post holds at most %(num)s image.",
                "A post holds at most %(num)s images.",
                MAX_POST_IMAGES,
            )
            + " "
            + _("Remove some or choose fewer."),
            POST_IMAGES.field,
        )
    caption = clean_caption(caption)
    if caption != shared_caption(post):  # a new description, for every picture
        for image in post.images:
            image.caption = caption
    for image in removed:
        post.images.remove(image)
        delete_image_after_commit(image.file_name, POST_IMAGES)
    for upload in uploads:
        name = keep_image_if_committed(save_image(upload, POST_IMAGES), POST_IMAGES)
        post.images.append(PostImage(file_name=name, caption=caption))


def clean_caption(caption: str | None) -> str | None:
    return " ".join((one_line(caption) or "").split())[:CAPTION_LENGTH] or None


def shared_caption(post: Post) -> str | None:
    """The description all the post's pictures share (its edit form shows it), else None."""
    captions = {image.caption for image in post.images}
    return captions.pop() if len(captions) == 1 else None


def forget_images(post: Post) -> None:
    """The post is going: its pictures' files go after the commit."""
    for image in post.images:
        delete_image_after_commit(image.file_name, POST_IMAGES)


def first_images(post_ids: list[int]) -> dict[int, PostImage]:
    """Each listed post's first picture (one query, at most MAX_POST_IMAGES rows a post)."""
    if not post_ids:
        return {}
    found = db.session.execute(
        select(PostImage).where(PostImage.post_id.in_(post_ids)).order_by(PostImage.id.desc())
    ).scalars()
    return {image.post_id: image for image in found}  # the lowest id is written last


def image_path(image: PostImage, thumb: bool = False):
    return POST_IMAGES.path(image.file_name, thumb)
