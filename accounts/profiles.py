"""A person's profile: the details colleagues see, the avatar, the time zone and language."""

from flask import current_app
from flask_babel import gettext as _

from accounts.models import User
from core import audit
from core.commands import lock_row
from core.errors import DomainError
from core.images import ImageKind, delete_image_after_commit, keep_image_if_committed, save_image
from core.text import one_line
from core.zones import canonical_zone, is_time_zone

AVATARS = ImageKind(folder="avatars", field="avatar", size=(400, 400), thumb_size=(96, 96))


def _text(value: str | None, limit: int, field: str) -> str | None:
    value = " ".join((one_line(value) or "").split())
    if len(value) > limit:
        raise DomainError(_("Use at most %(num)s characters.", num=limit), field=field)
    return value or None


def update_profile(
    user_id: int,
    display_name: str,
    job_title: str | None,
    team: str | None,
    time_zone: str | None,
    locale: str | None,
) -> User:
    """Save what the person typed in their settings; empty fields are cleared."""
    user = lock_row(User, user_id)
    name = _text(display_name, 120, "display_name")
    if not name:
        raise DomainError(_("Enter the name colleagues know you by."), field="display_name")
    if time_zone and not is_time_zone(time_zone):
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."), field="locale")
    user.display_name = name
    user.job_title = _text(job_title, 120, "job_title")
    user.team = _text(team, 120, "team")
    user.time_zone = canonical_zone(time_zone) or None
    user.locale = locale or None
    return user


def set_browser_time_zone(user_id: int, time_zone: str) -> bool:
    """The zone the browser reported, kept only while the person has chosen none."""
    user = lock_row(User, user_id)
    if user.time_zone is not None:
        return False
    if not is_time_zone(time_zone):
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    user.time_zone = canonical_zone(time_zone)
    return True


def set_avatar(user_id: int, stream) -> User:
    """Check and store a new avatar (the old one's files go once this commits); an admin's
    hiding is kept."""
    user = lock_row(User, user_id)
    name = keep_image_if_committed(save_image(stream, AVATARS), AVATARS)
    delete_image_after_commit(user.avatar_file, AVATARS)
    user.avatar_file = name
    return user


def remove_avatar(user_id: int) -> User:
    user = lock_row(User, user_id)
    delete_image_after_commit(user.avatar_file, AVATARS)
    user.avatar_file = None
    return user


def hide_avatar(actor: User, user_id: int, hidden: bool = True) -> User:
    """An admin hides (or shows again) a person's avatar; the log says who did."""
    user = lock_row(User, user_id)
    user.avatar_hidden = hidden
    audit.record(actor, "profile.avatar_hide" if hidden else "profile.avatar_show", user)
    return user
