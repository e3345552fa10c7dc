"""Report periods: local calendar months and weeks as UTC bounds, and what people may ask for."""

from datetime import UTC, date, datetime

import pytest

from reports.periods import (
    Period,
    PeriodError,
    check_range,
    parse_day,
    parse_month,
    parse_week,
)

TODAY = date(2026, 11, 25)


def test_months_and_iso_weeks_across_year_ends():
    december = Period.containing("month", date(2025, 12, 31))
    assert (december.start, december.end) == (date(2025, 12, 1), date(2025, 12, 31))
    assert december.key == "2025-12"
    assert december.next().key == "2026-01" and december.previous().key == "2025-11"
    assert parse_month("2028-02", TODAY.replace(year=2030)).end == date(2028, 2, 29)  # leap year
    week = parse_week("2026-W01", TODAY)
    assert (week.start, week.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.previous().key == "2025-W52"


def test_a_local_month_starts_at_local_midnight_in_utc():
    october = Period.containing("month", date(2026, 10, 7), "Europe/Kyiv")
    # Kyiv is UTC+3 in summer time and UTC+2 from 25 October.
    assert october.starts_at == datetime(2026, 9, 30, 21, tzinfo=UTC)
    assert october.ends_at == datetime(2026, 10, 31, 22, tzinfo=UTC)
    assert october.next().starts_at == october.ends_at
    utc = Period.containing("month", date(2026, 10, 7))
    assert (utc.starts_at, utc.ends_at) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    new_york = Period.containing("week", date(2026, 3, 9), "America/New_York")
    assert new_york.starts_at == datetime(2026, 3, 9, 4, tzinfo=UTC)  # after the clocks went on


def test_a_range_compares_with_the_same_number_of_days_before_it():
    quarter = check_range(date(2026, 7, 1), date(2026, 9, 30), TODAY)
    assert quarter.days == 92 and quarter.key == "2026-07-01_2026-09-30"
    before = quarter.previous()
    assert (before.start, before.end) == (date(2026, 3, 31), date(2026, 6, 30))
    assert quarter.query() == {"period": "range", "start": "2026-07-01", "end": "2026-09-30"}


def test_units_cover_the_period_and_reach_back_to_make_twelve():
    months = Period.containing("month", date(2026, 10, 1)).units("month", at_least=12)
    assert [m.key for m in (months[0], months[-1])] == ["2025-11", "2026-10"]
    long = check_range(date(2024, 1, 15), date(2026, 10, 3), TODAY).units("month", 12)
    assert len(long) == 34 and long[0].key == "2024-01" and long[-1].key == "2026-10"


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-13", "YYYY-MM"),
        ("october", "YYYY-MM"),
        ("26-10", "YYYY-MM"),
        ("2026-12", "has not started"),
        ("1999-12", "2000"),
    ],
)
def test_months_that_cannot_be_reported_on_are_explained(value, message):
    with pytest.raises(PeriodError, match=message):
        parse_month(value, TODAY)


def test_this_month_so_far_may_be_reported_on():
    assert parse_month("2026-11", TODAY).key == "2026-11"
    assert parse_week("2026-W48", TODAY).start == date(2026, 11, 23)


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-W54", "2026 has 53 weeks."),
        ("2024-W53", "2024 has 52 weeks."),
        ("2024-W00", "2024 has 52 weeks."),
        ("2026-43", "YYYY-Www"),
        ("0000-W01", "YYYY-Www"),
        ("2026-W49", "has not started"),
    ],
)
def test_weeks_that_cannot_be_reported_on_are_explained(value, message):
    with pytest.raises(PeriodError, match=message):
        parse_week(value, TODAY)


@pytest.mark.parametrize(
    "start, end, message",
    [
        (date(2026, 10, 2), date(2026, 10, 1), "before the first day"),
        (date(2026, 11, 1), date(2026, 11, 26), "in the future"),
        (date(2023, 11, 1), date(2026, 11, 1), "at most three years"),
    ],
)
def test_ranges_that_cannot_be_reported_on_are_explained(start, end, message):
    with pytest.raises(PeriodError, match=message):
        check_range(start, end, TODAY)


def test_three_years_less_a_day_is_the_longest_range():
    assert check_range(date(2023, 11, 2), date(2026, 11, 1), TODAY).days == 1096
    assert check_range(date(2024, 2, 29), date(2027, 2, 28), date(2027, 3, 1)).days == 1096


def test_unreadable_days_are_explained():
    for value in ("2026-02-30", "yesterday", "\x00"):
        with pytest.raises(PeriodError, match="YYYY-MM-DD"):
            parse_day(value)
