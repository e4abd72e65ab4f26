"""Dates as people type them: ISO dates and everyday forms, read relative to the person's today."""

import calendar
import re
from datetime import date, timedelta

from handlers.errors import CommandError

DATE_FORMS = (
    "2026-12-01, today, tomorrow, friday, next monday, next week, in 3 days, in 2 weeks, end of week, "
    "end of month, 1 dec or 1 december 2027"
)

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)} | {
    name.lower(): i for i, name in enumerate(calendar.day_abbr)
}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
DATE_WORDS = 3  # the longest everyday form ("end of month", "in 3 days")


def parse_date(text: str, today: date) -> date:
    """Read `text` as a date, or raise CommandError naming the forms that work.

    A bare weekday is the next such day, today included; `next <weekday>` is that day in next week.
    """
    words = text.strip().lower().replace(",", " ").split()
    phrase = " ".join(words)
    try:
        found = _parse(words, phrase, today)
    except OverflowError:  # "in 99999999 days": past the last date Python knows
        found = None
    if found is None:
        raise CommandError(f"“{text}” is not a date I can read. Use {DATE_FORMS}.")
    return found


def _parse(words: list[str], phrase: str, today: date) -> date | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", phrase):
        try:
            return date.fromisoformat(phrase)
        except ValueError:
            return None
    simple = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if phrase in simple:
        return today + timedelta(days=simple[phrase])
    if phrase in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[phrase] - today.weekday()) % 7)
    if len(words) == 2 and words[0] == "next" and words[1] in WEEKDAYS:
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=WEEKDAYS[words[1]])
    if phrase == "next week":
        return today + timedelta(days=7 - today.weekday())
    if phrase in ("end of week", "end of the week"):
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if phrase in ("end of month", "end of the month"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if len(words) == 3 and words[0] == "in" and _digits(words[1]) and words[2] in _UNITS:
        return today + timedelta(days=int(words[1]) * _UNITS[words[2]])
    return _day_and_month(words, today)


def _day_and_month(words: list[str], today: date) -> date | None:
    """`1 dec`, `dec 1`, `1 december 2027`: the next such day when no year is given."""
    if len(words) not in (2, 3):
        return None
    day_word, month_word = (words[0], words[1]) if _digits(words[0]) else (words[1], words[0])
    if not _digits(day_word) or month_word not in MONTHS:
        return None
    if len(words) == 3:
        if not (_digits(words[2]) and len(words[2]) == 4):
            return None
        return _date_or_none(int(words[2]), MONTHS[month_word], int(day_word))
    for year in range(today.year, today.year + 9):  # 29 feb may be years away
        found = _date_or_none(year, MONTHS[month_word], int(day_word))
        if found is not None and found >= today:
            return found
    return None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _digits(word: str) -> bool:
    """Plain 0-9 digits only: str.isdigit() also accepts "²", which int() cannot read; and at most 9 of
    them, since int() refuses 4,300 digits and more and no count of days or year is that long."""
    return word.isascii() and word.isdigit() and len(word) <= 9
