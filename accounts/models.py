"""The user account and its signed-in sessions."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, load_only, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.models import TimestampMixin, UTCDateTime


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_smm: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # The profile (/people/<id>): what colleagues see beside the name.
    job_title: Mapped[str | None] = mapped_column(String(120))
    team: Mapped[str | None] = mapped_column(String(120))
    avatar_file: Mapped[str | None] = mapped_column(String(80))  # core/images.py names it
    avatar_hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    # An IANA zone name; None shows times in the site's default zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # When the person proved the address is theirs (a confirmation link, or single
    # sign-on); None while a sign-up waits for its link.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of Flask-Login's alternative id (get_id): raising it ends every session
    # that carries the old id (accounts/sessions.py).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def shown_avatar(self) -> str | None:
        """The avatar colleagues see: none once an admin hid it."""
        return None if self.avatar_hidden else self.avatar_file

    @property
    def initials(self) -> str:
        words = [word for word in self.display_name.split() if word[:1].isalnum()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class SignInSession(db.Model):
    """One signed-in browser: its token is kept only as a hash, and it ends for good
    when revoked (sign-out, a new password, "Sign out everywhere") or past expires_at."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The remember-me token this one replaced, and when: should it come back, two browsers
    # hold the cookie (one copied it), and the session ends (accounts/sessions.py).
    previous_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    rotated_at: Mapped[datetime | None]
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


# What a name that links to the person's profile, with their avatar, reads of them
# (`person_link` and `avatar` in templates/_macros.html): lists of many people's posts,
# replies or briefs load only this, not their whole accounts.
AS_PERSON_LINK = (load_only(User.display_name, User.active, User.avatar_file, User.avatar_hidden),)
