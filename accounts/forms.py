"""Sign-up and sign-in forms."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from accounts import services
from core.mail import MailAddress
from core.text import one_line


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me"))
    submit = SubmitField(_l("Sign in"))


class SignUpForm(FlaskForm):
    display_name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        filters=[one_line],
        description=_l("How colleagues will see you."),
    )
    email = EmailField(_l("Email"), validators=[DataRequired(), MailAddress(), Length(max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=8, max=200)],
        description=_l("At least 8 characters."),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Sign up"))

    def validate_email(self, field):
        if not services.is_allowed_email(field.data):
            domains = ", ".join("@" + d for d in services.allowed_email_domains())
            raise ValidationError(_l("Use your company email (%(domains)s).", domains=domains))
        if services.find_user_by_email(field.data) is not None:
            raise ValidationError(_l("An account with this email already exists. Sign in instead."))


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send reset link"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=8, max=200)],
        description=_l("At least 8 characters."),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set new password"))


class PasswordChangeForm(PasswordResetForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField(_l("Change password"))

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(_l("This is not your current password."))
