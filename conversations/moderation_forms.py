"""Forms of the moderation pages: a report, a rejection, removal as spam, watched words."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from conversations.models import PHRASE_LENGTH, REASON_LENGTH, WatchedWordAction
from core.text import one_line


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Say what is wrong with it.")), Length(max=REASON_LENGTH)],
        filters=[one_line],
        description=_l("The community's leaders read it; the author does not see who reported."),
        render_kw={"rows": 2, "maxlength": REASON_LENGTH},
    )
    submit = SubmitField(lazy_pgettext("complaint", "Report"))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Tell the author why.")), Length(max=REASON_LENGTH)],
        filters=[one_line],
        description=_l("The author reads this."),
        render_kw={"rows": 2, "maxlength": REASON_LENGTH},
    )
    submit = SubmitField(_l("Reject"))


class SpamForm(FlaskForm):
    deactivate = BooleanField(_l("Also deactivate the account"))
    submit = SubmitField(_l("Remove as spam"))


ACTION_CHOICES = [
    SelectChoice(WatchedWordAction.HOLD.value, _l("Hold")),
    SelectChoice(WatchedWordAction.REFUSE.value, _l("Refuse")),
]


class WatchedWordForm(FlaskForm):
    phrase = StringField(
        _l("Word or phrase"),
        validators=[DataRequired(_l("Enter a word or phrase.")), Length(max=PHRASE_LENGTH)],
        filters=[one_line],
        description=_l("Matched as whole words, in any letter case."),
        render_kw={"maxlength": PHRASE_LENGTH},
    )
    action = SelectField(
        _l("Action"),
        choices=ACTION_CHOICES,
        description=_l("Hold: a leader approves it first. Refuse: it cannot be posted."),
    )
    submit = SubmitField(_l("Add"))
