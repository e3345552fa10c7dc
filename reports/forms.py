"""The period chooser on report pages: a GET form, so a report's address names its period."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField

from reports.periods import Period, PeriodError, check_range, parse_day, parse_month, parse_week


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False  # it only reads

    period = SelectField(
        _l("Period"),
        choices=[
            SelectChoice("month", _l("Month")),
            SelectChoice("week", _l("Week")),
            SelectChoice("range", _l("Dates")),
        ],
        default="month",
    )
    month = StringField(_l("Month"), render_kw={"type": "month"})
    week = StringField(_l("Week"), render_kw={"type": "week"})
    start = StringField(_l("From"), render_kw={"type": "date"})
    end = StringField(_l("To"), render_kw={"type": "date"})

    def chosen_period(self, today: date, zone: str) -> Period | None:
        """The period asked for (today's month or week when none is typed), or None with
        a message beside the field that is wrong."""
        if not self.validate():
            return None
        kind = self.period.data
        try:
            if kind == "range":
                return self._range(today, zone)
            field, parse = (self.week, parse_week) if kind == "week" else (self.month, parse_month)
            if not (field.data or "").strip():
                period = Period.containing(kind, today, zone)
                field.data = period.key
                return period
            return parse(field.data, today, zone)
        except PeriodError as problem:
            field = {"month": self.month, "week": self.week}.get(kind, self.end)
            field.errors = [*field.errors, str(problem)]
            return None

    def _range(self, today: date, zone: str) -> Period | None:
        days = {}
        for field in (self.start, self.end):
            if not (field.data or "").strip():
                field.errors = [str(_l("Enter the first and the last day."))]
                continue
            try:
                days[field.name] = parse_day(field.data)
            except PeriodError as problem:
                field.errors = [str(problem)]
        if len(days) < 2:
            return None
        if days["start"] > today:
            self.start.errors = [str(_l("This day is in the future; choose today or earlier."))]
            return None
        return check_range(days["start"], days["end"], today, zone)

    def fill(self, period: Period) -> None:
        """Show `period` in the fields, e.g. after following a "previous period" link."""
        self.period.data = period.kind
        if period.kind == "range":
            self.start.data, self.end.data = period.start.isoformat(), period.end.isoformat()
        else:
            getattr(self, period.kind).data = period.key
