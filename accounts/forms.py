"""Sign-up and sign-in forms."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from accounts import services
from core.images import IMAGE_EXTENSIONS, MAX_IMAGE_BYTES
from core.mail import MailAddress
from core.text import one_line
from core.zones import canonical_zone, time_zone_choices

# The passwords tried first by anyone guessing (leaked-password lists' top, 8+ characters).
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "11111111", "00000000", "87654321", "password",
    "password1", "password123", "passw0rd", "qwertyui", "qwerty123", "qwertyuiop", "1q2w3e4r",
    "abc12345", "abcd1234", "iloveyou", "sunshine", "princess", "football", "baseball",
    "welcome1", "letmein1", "admin123", "guildhall",
})  # fmt: skip


def not_common(form, field):
    if field.data and field.data.strip().lower() in COMMON_PASSWORDS:
        raise ValidationError(_l("This password is one of the first anyone would guess."))


def new_password_validators() -> list:
    return [
        DataRequired(),
        Length(min=8, message=_l("Use at least 8 characters.")),
        Length(max=200, message=_l("Use at most 200 characters.")),
        not_common,
    ]


def autocomplete(value: str) -> dict:
    """What browsers and password managers fill in (new-password: they offer one)."""
    return {"autocomplete": value}


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw=autocomplete("username"),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw=autocomplete("current-password"),
    )
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Sign in"))


class SignUpForm(FlaskForm):
    display_name = StringField(
        lazy_pgettext("person", "Name"),  # a person's name reads otherwise than a thing's
        validators=[DataRequired(), Length(max=120)],
        filters=[one_line],
        description=_l("How colleagues will see you."),
    )
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), MailAddress(), Length(max=254)],
        render_kw=autocomplete("email"),
    )
    password = PasswordField(
        _l("Password"),
        validators=new_password_validators(),
        description=_l("At least 8 characters."),
        render_kw=autocomplete("new-password"),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw=autocomplete("new-password"),
    )
    submit = SubmitField(_l("Sign up"))

    def validate_email(self, field):
        if not services.is_allowed_email(field.data):
            domains = ", ".join("@" + d for d in services.allowed_email_domains())
            raise ValidationError(_l("Use your company email (%(domains)s).", domains=domains))
        # An address that has an account already gets the same answer (accounts/services.py).


class ConfirmEmailForm(FlaskForm):
    """The confirmation page's form; the password only where this browser did not sign up."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Confirm my address"))

    def __init__(self, account, needs_password: bool, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        if not needs_password:
            del self.password

    def validate_password(self, field):
        if not self.account.check_password(field.data):
            raise ValidationError(_l("This is not the account's password."))


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Length(max=254)], render_kw=autocomplete("email")
    )
    submit = SubmitField(_l("Send reset link"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=new_password_validators(),
        description=_l("At least 8 characters."),
        render_kw=autocomplete("new-password"),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw=autocomplete("new-password"),
    )
    submit = SubmitField(_l("Set new password"))


class PasswordChangeForm(PasswordResetForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw=autocomplete("current-password"),
    )
    submit = SubmitField(_l("Change password"))

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(_l("This is not your current password."))

    def validate_password(self, field):
        if current_user.check_password(field.data):
            raise ValidationError(_l("Choose a password other than your current one."))


# --- profile ------------------------------------------------------------------


def _known_choice(message):
    def check(form, field):
        if field.data and field.data not in {choice[0] for choice in field.iter_choices()}:
            raise ValidationError(message)

    return check


class ProfileForm(FlaskForm):
    """What colleagues see of the person, and how the site shows them times and text."""

    display_name = StringField(
        lazy_pgettext("person", "Name"),  # a person's name reads otherwise than a thing's
        validators=[DataRequired(_l("Enter the name colleagues know you by.")), Length(max=120)],
        filters=[one_line],
    )
    job_title = StringField(_l("Job title"), validators=[Length(max=120)], filters=[one_line])
    team = StringField(_l("Team"), validators=[Length(max=120)], filters=[one_line])
    time_zone = SelectField(
        _l("Time zone"),
        validate_choice=False,
        validators=[_known_choice(_l("Choose a time zone from the list."))],
        filters=[canonical_zone],  # a zone saved under its old name shows under its new
        description=_l("Dates and times on the site are shown in this zone."),
    )
    locale = SelectField(
        _l("Language"),
        validate_choice=False,
        validators=[_known_choice(_l("Choose a language from the list."))],
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice("", _l("The site's default")), *time_zone_choices()]
        self.locale.choices = [
            SelectChoice("", _l("As my browser asks")),
            SelectChoice("en", "English"),
            SelectChoice("uk", "Українська"),
        ]


class AvatarForm(FlaskForm):
    avatar = FileField(
        _l("Avatar"),
        validators=[
            FileRequired(_l("Choose an image to upload.")),
            FileAllowed(IMAGE_EXTENSIONS, _l("Upload a JPEG, PNG or WebP image.")),
            FileSize(MAX_IMAGE_BYTES, message=_l("The image is larger than 2 MB.")),
        ],
        description=_l("JPEG, PNG or WebP, up to 2 MB."),
    )
    submit = SubmitField(_l("Upload avatar"))
