"""Cover images of catalog items, checked and re-encoded as every upload is (core/images.py)."""

from pathlib import Path

from core.images import (
    MAX_IMAGE_BYTES,
    ImageKind,
    delete_image_after_commit,
    keep_image_if_committed,
    save_image,
)

MAX_COVER_BYTES = MAX_IMAGE_BYTES
COVERS = ImageKind(folder="covers", field="cover", size=(1200, 1200), thumb_size=(240, 240))


def cover_path(name: str, thumb: bool = False) -> Path:
    return COVERS.path(name, thumb)


def save_cover(stream) -> str:
    """Check an uploaded cover and store it with a thumbnail; returns the stored name.
    The files go again if the transaction that stores the item is rolled back."""
    return keep_image_if_committed(save_image(stream, COVERS), COVERS)


def delete_cover(name: str | None) -> None:
    delete_image_after_commit(name, COVERS)
