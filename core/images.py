"""Uploaded images (catalog covers, avatars): checked with Pillow, re-encoded under a random
name, with a thumbnail.

Files live in UPLOAD_DIR/<folder> (the instance folder by default), never in static/,
and are served through views that check who may see them.

A small file can claim a picture of billions of pixels (a decompression bomb),
so an image is judged by its header before anything is decoded: at most
MAX_IMAGE_PIXELS, and MAX_IMAGE_SIDE on its longest side (a PNG one pixel wide
costs a row's work per pixel). What is stored is re-encoded from the pixels
alone: no EXIF, XMP, comments, text chunks or colour profile (colours are
turned to sRGB, and the EXIF orientation applied, first).

A progressive JPEG is decoded once per scan, each over the whole picture: a small
file of thousands of empty scans costs minutes of work. Its markers are counted
before anything is decoded, and more than MAX_JPEG_SCANS scans are refused (real
progressive photos have about ten).

A file is written when the upload is checked, before the command that names it commits;
`delete_image_after_commit` and `keep_image_if_committed` tie files to the transaction:
a rolled-back upload leaves no file behind, and a removed image's files go only once the
row that named them is gone for good.
"""

import mimetypes
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageCms, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.extensions import db

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 10_000
MAX_JPEG_SCANS = 64
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]  # what upload fields accept
# GIF, BMP, TIFF, Photoshop: named to say which formats to use, never opened.
OTHER_IMAGE_SIGNATURES = (b"GIF87a", b"GIF89a", b"BM", b"II*\0", b"MM\0*", b"8BPS")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class ImageKind:
    """Where one kind of image is kept, the form field it comes from, and its sizes."""

    folder: str
    field: str
    size: tuple[int, int]
    thumb_size: tuple[int, int]
    # Width over height that the picture is cut to (its middle kept): 1 for a square logo.
    aspect: float | None = None

    def path(self, name: str, thumb: bool = False) -> Path:
        folder = Path(current_app.config["UPLOAD_DIR"]) / self.folder
        folder.mkdir(parents=True, exist_ok=True)
        stem, _dot, ext = name.partition(".")
        return folder / (f"{stem}-thumb.{ext}" if thumb else name)


def _too_large(field: str) -> DomainError:
    pixels = current_app.config["MAX_IMAGE_PIXELS"]
    return DomainError(
        _("This image is too large: use one of at most %(mpx)s megapixels and %(side)s "
          "pixels on its longest side.", mpx=format_decimal(pixels / 1e6, "#,##0.#"),
          side=format_decimal(MAX_IMAGE_SIDE)),
        field=field,
    )  # fmt: skip


def jpeg_scan_count(data: bytes, stop_after: int = MAX_JPEG_SCANS) -> int:
    """How many scans (SOS markers) a JPEG holds, counting no further than `stop_after` + 1,
    found by walking its markers without decoding anything."""
    position, scans, end = 2, 0, len(data)
    while position + 4 <= end and scans <= stop_after:
        if data[position] != 0xFF:
            break  # not a marker: a broken file, left for Pillow to refuse
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            position += 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker != 0xDA:
            continue
        scans += 1
        # The scan's coded data runs to the next marker: 0xFF not followed by a
        # stuffed 0x00 or a restart marker.
        while (position := data.find(b"\xff", position)) != -1 and position + 1 < end:
            following = data[position + 1]
            if following == 0xFF:
                position += 1
            elif following == 0x00 or 0xD0 <= following <= 0xD7:
                position += 2
            else:
                break
        if position == -1:
            break
    return scans


def _opened(data: bytes, field: str) -> Image.Image:
    """The image with only its header read, refused unless its format and size are right."""
    if data.startswith(OTHER_IMAGE_SIGNATURES):  # a picture, but not one we keep
        raise DomainError(_("Upload a JPEG, PNG or WebP image."), field=field)
    # Pillow's own bomb check raises here; only our formats' plugins may read it.
    image = Image.open(BytesIO(data), formats=list(FORMATS))
    if image.format not in FORMATS:
        raise DomainError(_("Upload a JPEG, PNG or WebP image."), field=field)
    width, height = image.size
    if width * height > current_app.config["MAX_IMAGE_PIXELS"] or max(image.size) > MAX_IMAGE_SIDE:
        raise _too_large(field)
    if image.format == "JPEG" and jpeg_scan_count(data) > MAX_JPEG_SCANS:
        raise DomainError(_("This JPEG is built in too many passes to be read safely: "
                            "save it again as an ordinary JPEG."), field=field)  # fmt: skip
    return image


# The EXIF orientation (0x0112) and the turn that shows the picture upright.
ORIENTATION = 0x0112
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}  # fmt: skip


def _upright(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says. Only that tag is read: Pillow's
    exif_transpose writes the whole block back, and fails on any tag that holds text where
    the standard wants a number; the block is dropped anyway (_pixels_only)."""
    turn = TURNS.get(image.getexif().get(ORIENTATION))
    return image.transpose(turn) if turn is not None else image


def _in_srgb(image: Image.Image) -> Image.Image:
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(BytesIO(profile)), SRGB,
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )  # fmt: skip
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the colours stay as they are


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """The picture in a mode `fmt` stores, with nothing else from the file."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _cut_to(image: Image.Image, aspect: float) -> Image.Image:
    """The middle of the picture with `aspect` as its width over its height."""
    width, height = image.size
    if width > height * aspect:
        cut = round(height * aspect)
        return image.crop(((width - cut) // 2, 0, (width - cut) // 2 + cut, height))
    cut = round(width / aspect)
    return image.crop((0, (height - cut) // 2, width, (height - cut) // 2 + cut))


def _decoded(data: bytes, kind: ImageKind) -> tuple[Image.Image, str]:
    """The image at its stored size and its format; a DomainError for anything unsafe."""
    field = kind.field
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _opened(data, field).verify()  # the file's structure; then it must be opened again
            image = _opened(data, field)
            fmt = image.format
            if image.mode == "P":  # resized in colour, keeping its transparency
                image = image.convert("RGBA" if "transparency" in image.info else "RGB")
            if kind.aspect is None:
                image.thumbnail(kind.size)  # a JPEG is decoded at a fraction of its size
                image = _upright(image)
            else:
                image = _cut_to(_upright(image), kind.aspect)
                image.thumbnail(kind.size)
            image = _in_srgb(image)
            return _pixels_only(image, fmt), fmt
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise DomainError(_("This file is not an image we can read."), field=field) from error


def save_image(stream, kind: ImageKind) -> str:
    """Check an uploaded image and store it with a thumbnail; returns the stored name."""
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(_("The image is larger than 2 MB."), field=kind.field)
    image, fmt = _decoded(data, kind)
    name = f"{secrets.token_hex(16)}.{FORMATS[fmt]}"
    image.save(kind.path(name), format=fmt)
    image.thumbnail(kind.thumb_size)
    image.save(kind.path(name, thumb=True), format=fmt)
    return name


def delete_image(name: str | None, kind: ImageKind) -> None:
    if name:
        for thumb in (False, True):
            kind.path(name, thumb).unlink(missing_ok=True)


def image_response(path: Path) -> Response:
    """A stored image for someone the view let see it: read whole (images are small, so no
    file handle outlives the request), never sniffed as another type, and kept an hour by
    the browser but by no shared cache (a proxy, a CDN) that could hand it to others."""
    response = send_file(
        BytesIO(path.read_bytes()), mimetype=mimetypes.guess_type(path.name)[0], max_age=3600
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = False
    response.cache_control.private = True
    return response


# --- files that follow the transaction -------------------------------------------------

_WRITTEN, _REMOVED = "images_written", "images_removed"


def keep_image_if_committed(name: str, kind: ImageKind) -> str:
    """Note a file just stored for the current transaction: a rollback deletes it."""
    db.session().info.setdefault(_WRITTEN, []).append((name, kind))
    return name


def delete_image_after_commit(name: str | None, kind: ImageKind) -> None:
    """Delete the image's files once the current transaction commits (kept on a rollback)."""
    if name:
        db.session().info.setdefault(_REMOVED, []).append((name, kind))


@event.listens_for(Session, "after_commit")
def _delete_removed_images(session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_WRITTEN, None)
    for name, kind in session.info.pop(_REMOVED, []):
        delete_image(name, kind)


@event.listens_for(Session, "after_rollback")
def _delete_written_images(session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_REMOVED, None)
    for name, kind in session.info.pop(_WRITTEN, []):
        delete_image(name, kind)
