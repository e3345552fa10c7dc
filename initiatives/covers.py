"""Cover images: checked with Pillow, re-encoded under a random name, with a thumbnail.

Files live in UPLOAD_DIR (the instance folder by default), never in static/,
and are served through a view that checks who may see the item.
"""

import secrets
import warnings
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import DomainError

MAX_COVER_BYTES = 2 * 1024 * 1024
MAX_COVER_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
COVER_SIZE = (1200, 1200)
THUMB_SIZE = (240, 240)


def covers_dir() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "covers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cover_path(name: str, thumb: bool = False) -> Path:
    stem, _dot, ext = name.partition(".")
    return covers_dir() / (f"{stem}-thumb.{ext}" if thumb else name)


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data))
            probe.verify()  # checks the file's structure, then the image must be reopened
            image = Image.open(BytesIO(data))
            if image.format not in FORMATS:
                raise DomainError(_("Upload a JPEG, PNG or WebP image."))
            if image.width * image.height > MAX_COVER_PIXELS:
                raise DomainError(_("This image is too large; use one under 40 megapixels."))
            image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise DomainError(_("This file is not an image we can read.")) from error
    return image


def save_cover(stream) -> str:
    """Check an uploaded cover and store it with a thumbnail; returns the stored name."""
    data = stream.read(MAX_COVER_BYTES + 1)
    if len(data) > MAX_COVER_BYTES:
        raise DomainError(_("The image is larger than 2 MB."))
    image = _open_image(data)
    ext = FORMATS[image.format]
    fmt = image.format
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    name = f"{secrets.token_hex(16)}.{ext}"
    # Re-encoding drops whatever else the file carried (metadata, appended data).
    full = image.copy()
    full.thumbnail(COVER_SIZE)
    full.save(cover_path(name), format=fmt)
    thumb = image.copy()
    thumb.thumbnail(THUMB_SIZE)
    thumb.save(cover_path(name, thumb=True), format=fmt)
    return name


def delete_cover(name: str | None) -> None:
    if name:
        for thumb in (False, True):
            cover_path(name, thumb).unlink(missing_ok=True)
