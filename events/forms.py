"""The event form and the attendance form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
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

from core.bounds import LOCAL_FORMATS, count_range, within_window
from core.text import is_web_address, one_line
from core.zones import canonical_zone, time_zone_choices
from events.models import EventVisibility
from events.planning import (
    MAX_SEATS,
    EventDetails,
    EventRuleError,
    check_details,
    local_to_utc,
    utc_to_local,
)

TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")

VISIBILITY_CHOICES = [
    SelectChoice(EventVisibility.MEMBERS.value, _l("Community members only")),
    SelectChoice(EventVisibility.EMPLOYEES.value, _l("All employees")),
]


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=200)], filters=[one_line]
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=20000)],
        description=_l("Markdown. What happens, who it is for, what to bring."),
        render_kw={"rows": 6},
    )
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=_l("Enter the date and time it starts.")), within_window],
    )
    ends_at = DateTimeLocalField(
        _l("Ends"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=_l("Enter the date and time it ends.")), within_window],
    )
    timezone = SelectField(
        _l("Time zone"),
        description=_l("The times above are in this zone; people see them in their own."),
        filters=[canonical_zone],
    )
    place = StringField(
        _l("Place"),
        validators=[Length(max=300)],
        filters=[one_line],
        description=_l("Room or address; leave empty for online-only events."),
    )
    online_url = URLField(
        _l("Online link"),
        validators=[Optional(), Length(max=500), URL(message=_l("Enter a full web address."))],
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            count_range(1, MAX_SEATS, _l("Enter a number of seats from %(low)s to %(high)s.")),
        ],
        description=_l("Seats; leave empty for no limit. When full, people join a waitlist."),
    )
    registration_goal = IntegerField(
        _l("Registration goal"),
        validators=[
            Optional(),
            count_range(
                1, MAX_SEATS, _l("Enter a number of registrations from %(low)s to %(high)s.")
            ),
        ],
        description=_l("How many registrations you aim for; promotion requests measure this."),
    )
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"),
        format=LOCAL_FORMATS,
        validators=[Optional(), within_window],
        description=_l("Leave empty to open registration now."),
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"),
        format=LOCAL_FORMATS,
        validators=[Optional(), within_window],
        description=_l("Leave empty to close registration when the event starts."),
    )
    visibility = SelectField(_l("Who can see it"), choices=VISIBILITY_CHOICES)
    submit = SubmitField(_l("Save event"))

    def __init__(self, *args, default_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = time_zone_choices()
        if not self.timezone.data or self.timezone.data == "None":
            self.timezone.data = default_zone

    def validate_online_url(self, field):
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Enter a web address starting with https://."))

    def fill_from(self, details: EventDetails) -> None:
        """Show an event's details, with its times on the wall clock of its zone."""
        for name in ("title", "description", "place", "online_url", "capacity"):
            getattr(self, name).process(None, getattr(details, name))  # through its filters
        self.registration_goal.data = details.registration_goal
        self.timezone.data = canonical_zone(details.timezone)
        self.visibility.data = details.visibility.value
        for name in TIME_FIELDS:
            getattr(self, name).data = utc_to_local(getattr(details, name), details.timezone)

    def details(self) -> EventDetails:
        """The validated details; raises EventRuleError naming the field at fault."""
        zone_name = self.timezone.data
        times = {
            name: local_to_utc(getattr(self, name).data, zone_name, name)
            if getattr(self, name).data is not None
            else None
            for name in TIME_FIELDS
        }
        details = EventDetails(
            title=self.title.data,
            description=self.description.data or "",
            timezone=zone_name,
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            registration_goal=self.registration_goal.data,
            visibility=EventVisibility(self.visibility.data),
            **times,
        )
        check_details(details)
        return details

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.validated_details = self.details()
        except EventRuleError as error:
            self.blame(error)
            return False
        return True

    def blame(self, error: EventRuleError) -> None:
        field = getattr(self, error.field or "", None) or self.title
        field.errors = [*field.errors, error.message]


class AttendanceForm(FlaskForm):
    submit = SubmitField(_l("Save attendance"))
