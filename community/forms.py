"""Community, channel and snapshot forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import URLField
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from community.models import CommunityKind, JoinPolicy
from core.bounds import count_range, within_window
from core.images import IMAGE_EXTENSIONS, MAX_IMAGE_BYTES
from core.text import is_web_address, one_line

KIND_CHOICES = [
    SelectChoice(CommunityKind.PRACTICE.value, _l("Community of practice")),
    SelectChoice(CommunityKind.INTEREST.value, _l("Community of interest")),
]
JOIN_POLICY_CHOICES = [
    SelectChoice(JoinPolicy.OPEN.value, _l("Open: anyone can join")),
    SelectChoice(JoinPolicy.APPROVAL.value, _l("Approval: a leader approves each request")),
]


class CommunityForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(), Length(min=2, max=120)], filters=[one_line]
    )
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20000)],
        description=_l("Markdown. What the community is for and how it meets."),
        render_kw={"rows": 8},
    )
    join_policy = SelectField(_l("Join policy"), choices=JOIN_POLICY_CHOICES)
    submit = SubmitField(_l("Save community"))


class EditCommunityForm(CommunityForm):
    public_page = BooleanField(
        _l("Public page"),
        description=_l(
            "People outside the company can open a page with the community's name,"
            " description, member count and public initiatives; never its members' names."
        ),
    )
    hold_first_posts = IntegerField(
        _l("Hold new members' first posts for approval"),
        validators=[Optional(), count_range(0, 10)],  # left empty: unchanged
        description=_l(
            "How many of a new member's first posts and replies wait for a leader's approval."
            " 0 turns this off."
        ),
        render_kw={"min": 0, "max": 10},
    )
    submit = SubmitField(_l("Save community"))


class NewCommunityForm(CommunityForm):
    leader_email = EmailField(
        _l("First leader's email"),
        validators=[Optional(), Length(max=254)],
        description=_l("Leave empty to lead it yourself."),
    )
    submit = SubmitField(_l("Create community"))


class ChannelForm(FlaskForm):
    name = StringField(
        _l("Channel name"),
        validators=[DataRequired(), Length(max=80)],
        filters=[one_line],
        description=_l("For example: Facebook group."),
    )
    url = URLField(
        _l("Address"),
        validators=[DataRequired(), Length(max=500), URL(message=_l("Enter a full web address."))],
    )

    def validate_url(self, field):
        if not is_web_address(field.data):
            raise ValidationError(_l("Enter a web address starting with https://."))

    submit = SubmitField(_l("Add channel"))


class SnapshotForm(FlaskForm):
    taken_on = DateField(_l("Date"), validators=[InputRequired(), within_window])
    member_count = IntegerField(
        _l("Members"), validators=[InputRequired(), count_range(0, 100_000_000)]
    )
    submit = SubmitField(_l("Record member count"))


def _picture_field(label, description) -> FileField:
    return FileField(
        label,
        validators=[
            FileRequired(_l("Choose an image to upload.")),
            FileAllowed(IMAGE_EXTENSIONS, _l("Upload a JPEG, PNG or WebP image.")),
            FileSize(MAX_IMAGE_BYTES, message=_l("The image is larger than 2 MB.")),
        ],
        description=description,
    )


class LogoForm(FlaskForm):
    logo = _picture_field(
        _l("Logo"), _l("JPEG, PNG or WebP, up to 2 MB; its middle square is shown.")
    )
    submit = SubmitField(_l("Upload logo"))


class CoverForm(FlaskForm):
    cover = _picture_field(
        _l("Cover image"),
        _l("JPEG, PNG or WebP, up to 2 MB; a wide strip from its middle (4 : 1) is shown."),
    )
    submit = SubmitField(_l("Upload cover image"))


PICTURE_FORMS = {"logo": LogoForm, "cover": CoverForm}
