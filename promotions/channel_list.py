"""The channels SMM publishes in, and what each one needs."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.errors import DomainError, flush_or_refuse
from core.extensions import db
from promotions.models import (
    Channel,
)

DEFAULT_CHANNELS = [
    ("Facebook", "Image 1200×630 px; up to 500 characters read best. Send 5 working days ahead."),
    (
        "Instagram",
        "Stories 1080×1920 px, up to 15 s each; feed 1080×1350 px. 5 working days ahead.",
    ),
    ("LinkedIn", "Image 1200×627 px; the first two lines decide the click. 5 working days ahead."),
    ("YouTube", "Video 16:9, 1920×1080 px, thumbnail 1280×720 px. Send 10 working days ahead."),
    (
        "Internal newsletter",
        "Title up to 80 characters, 2–3 sentences, one link. Closes Wednesdays.",
    ),
]


def active_channels() -> list[Channel]:
    return list(
        db.session.execute(
            select(Channel).where(Channel.active).order_by(Channel.position, Channel.name)
        ).scalars()
    )


def all_channels() -> list[Channel]:
    return list(
        db.session.execute(select(Channel).order_by(Channel.position, Channel.name)).scalars()
    )


def add_channel(name: str, requirements: str = "", position: int | None = None) -> Channel:
    name = name.strip()
    if db.session.execute(
        select(Channel.id).where(func.lower(Channel.name) == name.lower())
    ).first():
        raise DomainError(_("A channel with this name exists already."), "name")
    if position is None:
        position = (db.session.execute(select(func.max(Channel.position))).scalar() or 0) + 10
    channel = Channel(name=name, requirements=requirements.strip(), position=position)
    db.session.add(channel)
    _flush_refusing_twins()
    return channel


def update_channel(channel: Channel, **changes) -> Channel:
    name = changes.get("name")
    renamed = name is not None and name.strip().lower() != channel.name.lower()
    if (
        renamed
        and db.session.execute(
            select(Channel.id).where(func.lower(Channel.name) == name.strip().lower())
        ).first()
    ):
        raise DomainError(_("A channel with this name exists already."), "name")
    for key, value in changes.items():
        if value is not None:
            setattr(channel, key, value.strip() if isinstance(value, str) else value)
    _flush_refusing_twins()
    return channel


def ensure_default_channels() -> list[Channel]:
    """The usual channels, added where missing (demo data, fresh sites)."""
    existing = {c.name.lower() for c in all_channels()}
    for position, (name, requirements) in enumerate(DEFAULT_CHANNELS, start=1):
        if name.lower() not in existing:
            add_channel(name, requirements, position * 10)
    return active_channels()


def _flush_refusing_twins() -> None:
    """A twin that the check before missed (a race, or the database's own case rule)."""
    try:
        flush_or_refuse(_("A channel with this name exists already."))
    except DomainError as error:
        error.field = "name"
        raise
