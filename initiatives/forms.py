"""Initiative, catalog, public participation and import forms."""

from babel.numbers import list_currencies
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from core.bounds import count_range, money_range, within_window
from core.images import IMAGE_EXTENSIONS
from core.mail import MailAddress
from core.text import one_line
from initiatives.covers import MAX_COVER_BYTES
from initiatives.editing import MAX_DONATION
from initiatives.models import (
    MAX_PAYMENT_INSTRUCTIONS,
    InitiativeKind,
    InitiativeStatus,
    ItemCondition,
)

KIND_CHOICES = [
    SelectChoice(InitiativeKind.GENERAL.value, _l("General")),
    SelectChoice(InitiativeKind.CATALOG.value, _l("Book exchange")),
]
STATUS_CHOICES = [
    SelectChoice(InitiativeStatus.DRAFT.value, _l("Draft: only leaders see it")),
    SelectChoice(InitiativeStatus.ACTIVE.value, _l("Active")),
    SelectChoice(InitiativeStatus.CLOSED.value, _l("Closed")),
]
CONDITION_CHOICES = [
    SelectChoice(ItemCondition.LIKE_NEW.value, _l("Like new")),
    SelectChoice(ItemCondition.GOOD.value, _l("Good")),
    SelectChoice(ItemCondition.FAIR.value, _l("Fair")),
    SelectChoice(ItemCondition.WORN.value, _l("Worn")),
]
CONDITION_LABELS = {choice.value: choice.label for choice in CONDITION_CHOICES}
# The categories a new catalog starts with, in the reader's language; a category a
# leader wrote is shown as written.
DEFAULT_CATEGORY_LABELS = {
    "Leadership": _l("Leadership"),
    "Soft skills": _l("Soft skills"),
    "PMBOK": "PMBOK",
    "Agile & Scrum": "Agile & Scrum",
    "Other": _l("Other"),
}
STATUS_LABELS = {
    "pending": _l("Waiting for approval"),
    "available": _l("Available"),
    "reserved": _l("Reserved"),
    "exchanged": _l("Exchanged"),
    "withdrawn": _l("Withdrawn"),
}
IMAGE_TYPES = IMAGE_EXTENSIONS


def _amount_field(label, **kwargs) -> DecimalField:
    return DecimalField(
        label,
        places=2,
        validators=[
            *kwargs.pop("validators", [InputRequired()]),
            money_range(
                "0.01", str(MAX_DONATION), _l("Enter an amount between 0.01 and 1,000,000.")
            ),
        ],
        **kwargs,
    )


class InitiativeForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=200)], filters=[one_line]
    )
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20000)],
        description=_l("Markdown. What it is and how people take part."),
        render_kw={"rows": 6},
    )
    goal = StringField(
        _l("Goal"),
        validators=[Length(max=300)],
        filters=[one_line],
        description=_l("In one sentence, e.g. Exchange 100 books for donations to the fund."),
    )
    target = IntegerField(
        _l("Target number"),
        validators=[Optional(), count_range(1, 1_000_000)],
        description=_l("Books to exchange, or people to reach; progress is measured against it."),
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional(), within_window])
    ends_on = DateField(_l("Ends on"), validators=[Optional(), within_window])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    is_public = BooleanField(
        _l("Public"),
        description=_l("Open to people outside the company through a public page."),
    )
    beneficiary = StringField(
        _l("Beneficiary"),
        validators=[Length(max=200)],
        filters=[one_line],
        description=_l("Book exchange: the charity fund that receives the donations."),
    )
    currency = StringField(
        _l("Currency"),
        default="UAH",
        validators=[DataRequired(), Length(min=3, max=3)],
        description=_l("Three-letter code, e.g. UAH."),
    )
    suggested_donation = _amount_field(
        _l("Suggested donation"), validators=[Optional()], description=_l("Per book.")
    )
    categories = TextAreaField(
        _l("Categories"),
        default="Leadership\nSoft skills\nPMBOK\nAgile & Scrum\nOther",
        validators=[Length(max=2000)],
        description=_l("Book exchange: one category per line."),
        render_kw={"rows": 5},
    )
    reservation_days = IntegerField(
        _l("Reservation lasts (days)"),
        default=7,
        validators=[InputRequired(), count_range(1, 90)],
    )
    payment_instructions = TextAreaField(
        _l("How to pay the donation"),
        validators=[
            Length(
                max=MAX_PAYMENT_INSTRUCTIONS,
                message=_l("Keep the payment instructions under %(max)d characters."),
            )
        ],
        description=_l(
            "Book exchange: shown to each person who reserves a book, e.g. the fund's card or "
            "bank details and what to write in the payment's purpose. Markdown."
        ),
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Save initiative"))

    def validate_currency(self, field):
        field.data = (field.data or "").strip().upper()
        if field.data not in list_currencies():
            raise ValidationError(_l("Use a three-letter currency code, such as UAH, EUR or USD."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date comes before the start date."))

    def validate_categories(self, field):
        names = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if self.kind.data == InitiativeKind.CATALOG.value and not names:
            raise ValidationError(_l("A book exchange needs at least one category."))
        if any(len(name) > 80 for name in names):
            raise ValidationError(_l("Keep each category under 80 characters."))


class OfferForm(FlaskForm):
    title = StringField(
        _l("Book title"), validators=[DataRequired(), Length(max=200)], filters=[one_line]
    )
    author = StringField(_l("Author"), validators=[Length(max=200)], filters=[one_line])
    category = SelectField(_l("Category"), choices=[])
    condition = SelectField(_l("Condition"), choices=CONDITION_CHOICES, default="good")
    cover = FileField(
        _l("Cover image"),
        validators=[
            FileAllowed(IMAGE_TYPES, _l("Upload a JPEG, PNG or WebP image.")),
            FileSize(MAX_COVER_BYTES, message=_l("The image is larger than 2 MB.")),
        ],
        description=_l("Optional. JPEG, PNG or WebP, up to 2 MB."),
    )
    submit = SubmitField(_l("Offer a book"))

    def set_categories(self, categories: list[str]) -> "OfferForm":
        self.category.choices = [
            SelectChoice(name, DEFAULT_CATEGORY_LABELS.get(name, name)) for name in categories
        ]
        return self


class OutsiderFields:
    """Name, email and consent of an outside person, plus a field only robots fill in."""

    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], filters=[one_line]
    )
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), MailAddress()])
    consent = BooleanField(
        _l("I agree that the community keeps my name and email to arrange this with me."),
        validators=[DataRequired(_l("We need your consent to keep your name and email."))],
    )
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.website.data)


class PublicOfferForm(OfferForm, OutsiderFields):
    pass


class RequestForm(FlaskForm):
    pledged = _amount_field(_l("Pledged donation"))
    submit = SubmitField(_l("Request this book"))


class PublicRequestForm(RequestForm, OutsiderFields):
    pass


class InterestForm(FlaskForm, OutsiderFields):
    submit = SubmitField(_l("Keep me informed"))


class ConfirmDonationForm(FlaskForm):
    amount = _amount_field(_l("Donation received"))
    submit = SubmitField(_l("Confirm donation"))


class ImportForm(FlaskForm):
    csv_file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv file.")),
            FileSize(1024 * 1024, message=_l("The file is larger than 1 MB.")),
        ],
        description=_l("Columns: title, author, category, condition (like new, good, fair, worn)."),
    )
    submit = SubmitField(_l("Preview import"))


class ConfirmImportForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired(), Length(max=1024 * 1024)])
    # "1": import the good rows and skip the broken ones the preview listed.
    skip_broken = HiddenField(validators=[Optional(), AnyOf(["1"])])
    submit = SubmitField(_l("Import books"))
