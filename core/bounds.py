"""The ranges every number and date the site takes must keep: what the database holds.

A number past a column's range (PostgreSQL INTEGER is 32-bit) or a date past the
calendar's ends would fail in the database or in date arithmetic, so each is
stopped where it comes in: ids in the path by the `int` URL converter, numbers in
the query string by `query_int`, form fields by the validators here.
"""

from datetime import date, datetime
from decimal import Decimal

from flask import request
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange, StopValidation, ValidationError

MAX_INT = 2**31 - 1  # the largest PostgreSQL INTEGER: every id and count column
# Dates people type: earlier ones are typing mistakes (the site keeps no older
# history), later ones too; the window keeps date arithmetic (a week before, a
# month after) clear of datetime's limits of years 1 and 9999.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
# datetime-local inputs send "2026-12-01T18:30", some browsers with seconds; the first
# format is also how values are shown.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def to_the_minute(value: datetime | None) -> datetime | None:
    """WTForms filter of a DateTimeLocalField for times kept to the minute."""
    return value.replace(second=0, microsecond=0) if value else value


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: an id beyond the INTEGER column matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def query_int(name: str, default: int | None = None, *, low: int = 1, high: int = MAX_INT):
    """The whole number `name` of the query string, or `default` when it is missing, not a
    number, or outside low..high (e.g. an id beyond the column): a filter that cannot match
    anything is ignored, as a malformed one always was."""
    value = request.args.get(name, type=int)
    return value if value is not None and low <= value <= high else default


def page_number() -> int:
    """The `page` of the query string; page 1 when it is missing or out of range."""
    return query_int("page", 1)


def query_day(name: str) -> date | None:
    """The day `name` of the query string (YYYY-MM-DD) inside the site's window, or None."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def within_window(form, field) -> None:
    """WTForms validator of a DateField or DateTimeLocalField: the day is in the window."""
    value = field.data
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class CountRange(NumberRange):
    """NumberRange whose message names both ends, in the reader's number format, and that
    stays quiet when the value did not parse: the field already says it is no number."""

    def __call__(self, form, field):
        if field.data is None or self.min <= field.data <= self.max:
            return
        raise ValidationError(self.refusal())

    def refusal(self) -> str:
        template = self.message or _l("Enter a number from %(low)s to %(high)s.")
        return str(template) % {"low": format_number(self.min), "high": format_number(self.max)}


def count_range(low: int = 0, high: int = MAX_INT, message=None) -> CountRange:
    """CountRange for an IntegerField kept in an INTEGER column; `message` may name the
    ends as %(low)s and %(high)s."""
    if high > MAX_INT:
        raise ValueError("an INTEGER column holds at most 2**31 - 1")
    return CountRange(min=low, max=high, message=message)


class MoneyRange(CountRange):
    """CountRange for a DecimalField: `finite` first, then the range, then at most
    `places` digits after the point: NUMERIC(…, 2) rounds 0.001 to 0.00 silently, and
    PostgreSQL refuses 1e-999999999 outright, losing what was typed."""

    def __init__(self, min=None, max=None, message=None, places: int = 2):  # noqa: A002
        super().__init__(min=min, max=max, message=message)
        self.places = places

    def __call__(self, form, field):
        finite(form, field, self.refusal())
        super().__call__(form, field)
        if field.data is not None and decimal_places(field.data) > self.places:
            raise ValidationError(
                _l("Enter at most %(places)s digits after the point.", places=self.places)
            )


def decimal_places(value: Decimal) -> int:
    """How many digits after the point a finite Decimal needs: 1.50 needs 1, 1e-9 needs 9.
    Read off its digits, with no arithmetic context that could overflow."""
    _sign, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros)) if any(digits) else 0


def finite(form, field, message=None) -> None:
    """WTForms validator of a DecimalField: "NaN", "sNaN" and "Infinity" parse as decimals,
    but cannot be compared, and a signaling NaN cannot even be asked whether it is a NaN."""
    value = field.data
    if isinstance(value, Decimal) and not value.is_finite():
        raise StopValidation(message or _l("Enter a number."))


def money_range(low: str, high: str, message=None) -> MoneyRange:
    """MoneyRange with Decimal bounds: a float bound such as 0.01 is a little more than
    0.01, so the Decimal 0.01 itself would be refused."""
    return MoneyRange(min=Decimal(low), max=Decimal(high), message=message)
