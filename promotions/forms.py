"""The promotion request form (it teaches what a good brief holds) and the SMM forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import URLField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.bounds import LOCAL_FORMATS, count_range, money_range, to_the_minute, within_window
from core.text import is_web_address, one_line
from promotions.models import Audience, Currency, Objective, PostFormat, ReportFrequency

CHOOSE = SelectChoice("", _l("Choose…"))
OBJECTIVE_CHOICES = [
    CHOOSE,
    SelectChoice(Objective.REGISTRATIONS.value, _l("Registrations")),
    SelectChoice(Objective.LEADS.value, _l("Leads")),
    SelectChoice(Objective.PAGE_VISITS.value, _l("Page visits")),
    SelectChoice(Objective.GROUP_MEMBERS.value, _l("Group members")),
]
AUDIENCE_CHOICES = [
    CHOOSE,
    SelectChoice(Audience.INTERNAL.value, _l("Internal: our employees")),
    SelectChoice(Audience.EXTERNAL.value, _l("External: people outside the company")),
    SelectChoice(Audience.BOTH.value, _l("Both")),
]
CURRENCY_CHOICES = [SelectChoice(c.value, c.value) for c in Currency]
FREQUENCY_CHOICES = [
    CHOOSE,
    SelectChoice(ReportFrequency.WEEKLY.value, _l("Weekly")),
    SelectChoice(ReportFrequency.MONTHLY.value, _l("Monthly")),
    SelectChoice(ReportFrequency.AT_THE_END.value, _l("Once, at the end")),
]
FORMAT_CHOICES = [
    SelectChoice(PostFormat.POST.value, _l("Post")),
    SelectChoice(PostFormat.STORY.value, _l("Story")),
    SelectChoice(PostFormat.REEL.value, _l("Reel")),
    SelectChoice(PostFormat.VIDEO.value, _l("Video")),
    SelectChoice(PostFormat.ARTICLE.value, _l("Article")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BriefForm(FlaskForm):
    title = StringField(
        _l("What is promoted"),
        validators=[Length(max=200)],
        filters=[one_line],
        description=_l("Name it as people will see it: SMM writes about one thing at a time."),
    )
    objective = SelectField(
        _l("Objective"),
        default="",
        choices=OBJECTIVE_CHOICES,
        description=_l("The result the content must bring; SMM picks formats and channels for it."),
    )
    target = IntegerField(
        _l("Target number"),
        validators=[Optional(), count_range(1, 10_000_000)],
        description=_l("A number makes success measurable: SMM plans reach and budget against it."),
    )
    key_message = TextAreaField(
        _l("Key message"),
        validators=[Length(max=2000)],
        description=_l("The one thing people should remember; every post is built around it."),
        render_kw={"rows": 3},
    )
    audience = SelectField(
        _l("Audience"),
        default="",
        choices=AUDIENCE_CHOICES,
        description=_l("Employees and outside people are reached through different channels."),
    )
    channels = MultiCheckboxField(
        _l("Channels"),
        coerce=int,
        validate_choice=True,
        description=_l("Each channel has its own schedule and formats; see its requirements."),
    )
    content_deadline = DateField(
        _l("Content deadline"),
        validators=[Optional(), within_window],
        description=_l("The day SMM gets texts and pictures, so posts get into each schedule."),
    )
    publish_from = DateField(
        _l("Publication starts"),
        validators=[Optional(), within_window],
        description=_l("The first day posts may go out."),
    )
    publish_until = DateField(
        _l("Publication ends"),
        validators=[Optional(), within_window],
        description=_l("The last day; for an event, no later than the event itself."),
    )
    ad_budget = DecimalField(
        _l("Ad budget"),
        places=2,
        validators=[Optional(), money_range("0", "1000000000")],
        description=_l("Paid reach needs money agreed in advance; leave empty for none."),
    )
    currency = SelectField(
        _l("Currency"),
        default=Currency.UAH.value,
        choices=CURRENCY_CHOICES,
        description=_l("The currency the budget is approved in."),
    )
    references = TextAreaField(
        _l("References"),
        validators=[Length(max=5000)],
        description=_l(
            "Links to content that worked for other communities, one a line: SMM sees the tone."
        ),
        render_kw={"rows": 3},
    )
    assets = MultipleFileField(
        _l("Assets"),
        description=_l(
            "Photos, videos and documents SMM may use: images, PDF, MP4/MOV, PPTX, DOCX; "
            "up to 20 MB each."
        ),
    )
    backup_plan = TextAreaField(
        _l("Backup plan"),
        validators=[Length(max=5000)],
        description=_l(
            "What happens if a stage misses its target, one step a line: agreed now, "
            "not improvised later."
        ),
        render_kw={"rows": 4},
    )
    report_format = StringField(
        _l("How results are reported"),
        validators=[Length(max=300)],
        filters=[one_line],
        description=_l("What you need back, e.g. figures on this page, a slide for the report."),
    )
    report_frequency = SelectField(
        _l("Report frequency"),
        default="",
        choices=FREQUENCY_CHOICES,
        description=_l("How often SMM sends figures while the promotion runs."),
    )
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit to SMM"))

    def validate_references(self, field):
        for line in (field.data or "").splitlines():
            if line.strip() and not is_web_address(line):
                raise ValidationError(
                    _l(
                        "“%(line)s” is not a web address; put one https:// link on each line.",
                        line=line.strip()[:80],
                    )
                )


class PlannedPostForm(FlaskForm):
    channel = SelectField(
        _l("Channel"),
        coerce=lambda value: int(value) if value not in (None, "") else None,
        validators=[InputRequired(message=_l("Choose the channel."))],
    )
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES)
    scheduled_at = DateTimeLocalField(
        _l("Date and time"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=_l("Give the day and time of the post.")), within_window],
        filters=[to_the_minute],
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Add planned post"))

    def set_channels(self, channels) -> None:
        # A first empty choice: a required select must not start on a real channel.
        self._channels = {channel.id: channel for channel in channels}
        self.channel.choices = [CHOOSE] + [(c.id, c.name) for c in channels]

    def chosen_channel(self):
        return self._channels[self.channel.data]


class PublicationForm(FlaskForm):
    published_url = URLField(
        _l("Published post's address"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("Where the post can be read, starting with https://."),
    )
    reach = IntegerField(_l("Reach"), validators=[Optional(), count_range()])
    reactions = IntegerField(_l("Reactions"), validators=[Optional(), count_range()])
    clicks = IntegerField(_l("Clicks"), validators=[Optional(), count_range()])
    submit = SubmitField(_l("Record publication"))

    def validate_published_url(self, field):
        if not is_web_address(field.data or ""):
            raise ValidationError(_l("Enter a web address starting with https://."))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("Add comment"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why, so that the community knows what to do next.")),
            Length(max=5000),
        ],
        description=_l("Shown to the community with your decision."),
        render_kw={"rows": 3},
    )


class ReportForm(FlaskForm):
    report = TextAreaField(
        _l("Results"),
        validators=[
            DataRequired(message=_l("Write what the promotion achieved.")),
            Length(max=20000),
        ],
        description=_l(
            "Markdown. What was published and how it went; the figures are added from the data."
        ),
        render_kw={"rows": 5},
    )
    lessons = TextAreaField(
        _l("Lessons"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What to repeat or avoid next time. Shown with the brief as a reference."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Report results"))


class BackupStepForm(FlaskForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[
            DataRequired(message=_l("Note what was done, so the report can say it.")),
            Length(max=1000),
        ],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Mark done"))


class TrackedLinkForm(FlaskForm):
    target_path = StringField(
        _l("Goes to"),
        validators=[Optional(), Length(max=500)],
        description=_l("A page of this site, starting with /. Empty: the promoted page."),
    )
    submit = SubmitField(_l("Create tracked link"))


class ChannelRequirementsForm(FlaskForm):
    requirements = TextAreaField(
        _l("Format requirements"),
        validators=[Length(max=5000)],
        description=_l("Sizes, lengths and lead times, shown beside the request form."),
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Save channel"))


class ChannelForm(ChannelRequirementsForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)], filters=[one_line])
    position = IntegerField(
        _l("Position"),
        validators=[Optional(), count_range(0, 10_000)],
        description=_l("Channels are listed by this number."),
    )
    active = BooleanField(_l("In use"), default=True)
