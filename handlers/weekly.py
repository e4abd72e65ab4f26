"""A time in the week, as projects set them for their review and their digest (`fri 16:00`).

Read in the project's timezone: `thu 15:00` stays 15:00 local across daylight-saving changes, so the
UTC instant moves instead. A local time that a change skips (02:30 on the spring-forward night) is
taken as the same wall-clock time after the change; one that happens twice is the first.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.errors import CommandError

_DAYS = [name.lower() for name in calendar.day_abbr]  # mon … sun
_NAMES = {name: i for i, name in enumerate(_DAYS)} | {
    name.lower(): i for i, name in enumerate(calendar.day_name)
}
_FORM = re.compile(r"(?:weekly\s+)?([a-z]+)\s+(\d{1,2}):(\d{2})")
USAGE = "<day> <hh:mm>, for example fri 16:00"


@dataclass(frozen=True)
class Weekly:
    weekday: int  # 0 = Monday
    at: time

    def __str__(self) -> str:
        return f"{_DAYS[self.weekday]} {self.at:%H:%M}"

    def last(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The latest occurrence at or before `now`, in UTC."""
        local = now.astimezone(tz)
        back = (local.weekday() - self.weekday) % 7
        candidate = self._at(local.date() - timedelta(days=back), tz)
        if candidate > now:
            candidate = self._at(local.date() - timedelta(days=back + 7), tz)
        return candidate

    def next(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The first occurrence after `now`, in UTC."""
        local = now.astimezone(tz)
        ahead = (self.weekday - local.weekday()) % 7
        candidate = self._at(local.date() + timedelta(days=ahead), tz)
        if candidate <= now:
            candidate = self._at(local.date() + timedelta(days=ahead + 7), tz)
        return candidate

    def _at(self, day: date, tz: ZoneInfo) -> datetime:
        wall = datetime.combine(day, self.at, tzinfo=tz)
        # Round-trip through UTC: a skipped wall time comes back moved forward by the gap.
        return wall.astimezone(UTC)


def parse_weekly(text: str) -> Weekly:
    """`fri 16:00`, `Friday 16:00` or `weekly fri 16:00`; CommandError naming the form otherwise."""
    found = _FORM.fullmatch(" ".join(text.lower().split()))
    if found is None or found.group(1) not in _NAMES:
        raise CommandError(f"“{text}” is not a time in the week I can read. Use {USAGE}.")
    hour, minute = int(found.group(2)), int(found.group(3))
    if hour > 23 or minute > 59:
        raise CommandError(f"“{found.group(2)}:{found.group(3)}” is not a time of day. Use {USAGE}.")
    return Weekly(weekday=_NAMES[found.group(1)], at=time(hour, minute))
