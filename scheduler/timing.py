"""When things fall due, on local wall clocks: weekly times, working days, quiet hours.

Every local time is turned into a UTC instant through handlers/weekly.py, so a daylight-saving change
moves the instant, never the local time people read.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.weekly import Weekly
from scheduler.config import SchedulerConfig

_TINY = timedelta(microseconds=1)


def occurrences(
    schedules: Iterable[Weekly], tz: ZoneInfo, *, since: datetime, now: datetime
) -> list[datetime]:
    """The UTC instants in (since, now] at which any of `schedules` falls due in `tz`, oldest first."""
    found: set[datetime] = set()
    for schedule in schedules:
        at = schedule.last(now, tz)
        while at > since:
            found.add(at)
            at = schedule.last(at - _TINY, tz)
    return sorted(found)


def daily(at: time, days: Iterable[int]) -> tuple[Weekly, ...]:
    """A time of day on some weekdays, as one weekly schedule per day."""
    return tuple(Weekly(weekday=day, at=at) for day in sorted(days))


def iso_week(instant: datetime, tz: ZoneInfo) -> str:
    """`2026-W47`: the ISO week of the instant's local date."""
    year, week, _ = instant.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def stamp(instant: datetime) -> str:
    """`2026-11-19T14:00Z`: an instant in keys."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as a UTC instant, as handlers/weekly.py reads them."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _quiet(at: time, config: SchedulerConfig) -> bool:
    start, end = config.quiet_start, config.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return at >= start or at < end


def deliver_at(instant: datetime, tz: ZoneInfo, config: SchedulerConfig) -> datetime:
    """The first moment at or after `instant` that is on a working day and outside quiet hours in `tz`:
    a direct message falling in someone's night or weekend waits for the end of their quiet hours."""
    local = instant.astimezone(tz)
    if local.weekday() in config.working_days and not _quiet(local.time(), config):
        return instant
    day = local.date()
    while True:  # ends within a week: there is at least one working day
        morning = _local(day, config.quiet_end, tz)
        if morning >= instant and day.weekday() in config.working_days:
            return morning
        day += timedelta(days=1)


def working_days_between(start: date, end: date, days: frozenset[int]) -> int:
    """How many working days lie strictly between `start` and `end`."""
    count, day = 0, start + timedelta(days=1)
    while day < end:
        count += day.weekday() in days
        day += timedelta(days=1)
    return count


def previous_working_day(day: date, days: frozenset[int]) -> date:
    before = day - timedelta(days=1)
    while before.weekday() not in days:
        before -= timedelta(days=1)
    return before
