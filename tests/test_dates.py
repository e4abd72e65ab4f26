from datetime import date

import pytest

from handlers.dates import parse_date
from handlers.errors import CommandError

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", WEDNESDAY),
        ("Tomorrow", date(2026, 11, 19)),
        ("  friday ", date(2026, 11, 20)),
        ("fri", date(2026, 11, 20)),
        ("tuesday", date(2026, 11, 24)),
        ("sunday", date(2026, 11, 22)),
    ],
)
def test_iso_dates_simple_words_and_weekdays(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


def test_todays_weekday_is_today_not_next_week():
    assert parse_date("wednesday", WEDNESDAY) == WEDNESDAY
    assert parse_date("wed", WEDNESDAY) == WEDNESDAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next monday", date(2026, 11, 23)),
        ("next wednesday", date(2026, 11, 25)),
        ("next friday", date(2026, 11, 27)),
        ("next sunday", date(2026, 11, 29)),
        ("next week", date(2026, 11, 23)),
    ],
)
def test_next_means_in_the_coming_week(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


def test_end_of_week_is_friday():
    assert parse_date("end of week", WEDNESDAY) == date(2026, 11, 20)
    assert parse_date("end of the week", date(2026, 11, 20)) == date(2026, 11, 20)
    assert parse_date("end of week", date(2026, 11, 21)) == date(2026, 11, 27)


def test_end_of_month_is_its_last_day():
    assert parse_date("end of month", WEDNESDAY) == date(2026, 11, 30)
    assert parse_date("end of the month", date(2028, 2, 3)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 3 days", date(2026, 11, 21)),
        ("in 1 day", date(2026, 11, 19)),
        ("in 1 week", date(2026, 11, 25)),
        ("in 2 weeks", date(2026, 12, 2)),
        ("in 0 days", WEDNESDAY),
    ],
)
def test_in_n_days_or_weeks(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 dec", date(2026, 12, 1)),
        ("dec 1", date(2026, 12, 1)),
        ("1 December", date(2026, 12, 1)),
        ("18 nov", WEDNESDAY),
        ("1 december 2027", date(2027, 12, 1)),
        ("dec 1, 2027", date(2027, 12, 1)),
    ],
)
def test_day_and_month(text, expected):
    assert parse_date(text, WEDNESDAY) == expected


def test_a_day_and_month_already_past_this_year_is_next_year():
    assert parse_date("17 nov", WEDNESDAY) == date(2027, 11, 17)
    assert parse_date("jan 5", WEDNESDAY) == date(2027, 1, 5)


def test_relative_dates_roll_over_the_year():
    new_years_eve = date(2026, 12, 31)
    assert parse_date("tomorrow", new_years_eve) == date(2027, 1, 1)
    assert parse_date("in 1 week", new_years_eve) == date(2027, 1, 7)
    assert parse_date("next monday", new_years_eve) == date(2027, 1, 4)


def test_29_february_is_the_next_leap_day():
    assert parse_date("29 feb", WEDNESDAY) == date(2028, 2, 29)
    assert parse_date("29 feb", date(2028, 3, 1)) == date(2032, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "someday",
        "",
        "next",
        "next month",
        "2026-02-30",
        "2026-12-1",
        "31 feb",
        "1 dec 27",
        "1 dec next",
        "in three days",
        "in -3 days",
        "in 3 months",
        "in 99999999 days",
        "in ² days",
        "1 dec ²",
    ],
)
def test_garbage_is_refused_with_the_forms_that_work(text):
    with pytest.raises(CommandError) as refused:
        parse_date(text, WEDNESDAY)
    assert refused.value.message == (
        f"“{text}” is not a date I can read. Use 2026-12-01, today, tomorrow, friday, next monday, next week, "
        "in 3 days, in 2 weeks, end of week, end of month, 1 dec or 1 december 2027."
    )
