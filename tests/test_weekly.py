"""Times in the week (`fri 16:00`) as projects set them, in the project's timezone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.errors import CommandError
from handlers.weekly import parse_weekly

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("text", ["fri 16:00", "Friday 16:00", "weekly  FRI 16:00", "fri 4:00"])
def test_everyday_forms_are_read(text):
    assert str(parse_weekly(text)).startswith("fri ")


@pytest.mark.parametrize("text", ["fr 16:00", "friyay 16:00", "fri", "fri 16h", "fri 24:00", "fri 9:60"])
def test_anything_else_is_refused_with_the_form_to_use(text):
    with pytest.raises(CommandError, match="fri 16:00"):
        parse_weekly(text)


def test_last_and_next_are_on_the_local_wall_clock():
    thursday = parse_weekly("thu 15:00")
    saturday = datetime(2026, 11, 21, 12, tzinfo=UTC)
    assert thursday.last(saturday, PARIS) == datetime(2026, 11, 19, 14, tzinfo=UTC)
    assert thursday.next(saturday, PARIS) == datetime(2026, 11, 26, 14, tzinfo=UTC)
    exactly = datetime(2026, 11, 19, 14, tzinfo=UTC)
    assert thursday.last(exactly, PARIS) == exactly
    assert thursday.next(exactly, PARIS) == datetime(2026, 11, 26, 14, tzinfo=UTC)


def test_daylight_saving_moves_the_utc_instant_not_the_local_time():
    friday = parse_weekly("fri 16:00")
    before = friday.next(datetime(2026, 3, 21, tzinfo=UTC), PARIS)  # winter time, UTC+1
    after = friday.next(before, PARIS)  # summer time from 29 March, UTC+2
    assert (before.hour, after.hour) == (15, 14)
    assert after.astimezone(PARIS).hour == 16


def test_a_wall_time_that_a_change_skips_or_repeats_happens_once():
    sunday = parse_weekly("sun 02:30")
    spring = sunday.next(datetime(2026, 3, 25, tzinfo=UTC), PARIS)  # 02:30 does not exist that night
    assert spring == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 summer time
    autumn = sunday.next(datetime(2026, 10, 20, tzinfo=UTC), PARIS)  # 02:30 happens twice
    assert autumn == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first one
    assert sunday.next(autumn, PARIS) == datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
