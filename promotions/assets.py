"""Files attached to a brief: which ones are accepted, where they are kept."""

import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from core.errors import DomainError
from core.extensions import db
from promotions.models import (
    BriefAsset,
    PromotionRequest,
)

ALLOWED_ASSET_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
MAX_ASSET_BYTES = 20 * 1024 * 1024


def asset_folder() -> Path:
    """Where attached files live: the "briefs" folder of UPLOAD_DIR (never static/)."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / "briefs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def asset_problem(filename: str, size: int) -> str | None:
    """Why a file may not be attached, or None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_ASSET_TYPES:
        return _(
            "%(name)s: attach images (PNG, JPEG, GIF, WebP), PDF, MP4/MOV video, PPTX or DOCX.",
            name=filename,
        )
    if size == 0:
        return _("%(name)s is empty.", name=filename)
    if size > MAX_ASSET_BYTES:
        return _("%(name)s is larger than %(mb)s MB.", name=filename, mb=MAX_ASSET_BYTES // 2**20)
    return None


def add_asset(actor, brief: PromotionRequest, filename: str, content: bytes) -> BriefAsset:
    # No control characters (a line break would break the download's header).
    filename = "".join(c for c in filename if c.isprintable())
    filename = Path(filename.replace("\\", "/")).name[:200] or "file"
    problem = asset_problem(filename, len(content))
    if problem:
        raise DomainError(problem)
    extension = filename.rsplit(".", 1)[-1].lower()
    stored_name = f"{uuid.uuid4().hex}.{extension}"
    (asset_folder() / stored_name).write_bytes(content)
    asset = BriefAsset(
        filename=filename,
        stored_name=stored_name,
        content_type=ALLOWED_ASSET_TYPES[extension],
        size=len(content),
        uploaded_by_id=actor.id,
    )
    brief.assets.append(asset)
    db.session.flush()
    return asset


def asset_path(asset: BriefAsset) -> Path:
    return asset_folder() / asset.stored_name


def remove_asset(brief: PromotionRequest, asset: BriefAsset) -> None:
    brief.assets.remove(asset)
    asset_path(asset).unlink(missing_ok=True)
    db.session.flush()
