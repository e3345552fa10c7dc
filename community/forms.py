"""Community, channel and snapshot forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
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
