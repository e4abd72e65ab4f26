"""The scheduler's knobs, with the defaults pmbot ships; settings (PMBOT_…) map onto them."""

from dataclasses import dataclass
from datetime import time, timedelta

from handlers.errors import CommandError
from handlers.weekly import parse_weekly


@dataclass(frozen=True)
class SchedulerConfig:
    # What fell due while pmbot was down is sent on start if it fell due at most this long ago;
    # anything older is recorded as skipped and logged.
    grace: timedelta = timedelta(hours=12)
    # How far back each sweep looks for occurrences it has no record of (pmbot down, a first start).
    lookback: timedelta = timedelta(days=7)
    working_days: frozenset[int] = frozenset(range(5))  # Monday = 0 … Friday = 4
    # Direct messages wait for the end of the reader's quiet hours (their own timezone), and for a
    # working day; posts in a channel go out at the time the project chose.
    quiet_start: time = time(20, 0)
    quiet_end: time = time(8, 0)
    reminder_time: time = time(9, 0)  # the daily reminder of overdue deliverables, in each person's timezone
    escalate_after: int = 3  # working days an item is overdue before its project owner hears of it too
    lease: timedelta = timedelta(minutes=5)  # how long a process may take to build and send one message
    max_attempts: int = 5
    backoff: timedelta = timedelta(minutes=1)  # the first retry's wait; each next one waits twice as long
    interval: timedelta = timedelta(seconds=60)  # how often the sweeps run
    per_tick: int = 200  # at most this many messages sent per sweep; the rest wait for the next one
    # Messages built and sent at once; each holds a worker thread while it builds (a digest may wait on
    # the LLM), so keep it below the worker pool's size, which commands share. At 1 they go out in the
    # order they fell due; `pmbot run` uses PMBOT_SEND_CONCURRENCY (4).
    concurrency: int = 1
    portfolio_schedule: str = "fri 17:00"  # the portfolio digest, in `portfolio_timezone`
    portfolio_timezone: str = "UTC"
    default_timezone: str = "UTC"  # a person's when neither they nor their projects have one

    def __post_init__(self) -> None:
        if self.grace > self.lookback:
            raise ValueError("the grace window cannot be longer than the look-back")
        if not self.working_days or not self.working_days <= set(range(7)):
            raise ValueError("working days are weekday numbers, 0 (Monday) to 6 (Sunday)")
        if self.max_attempts < 1 or self.per_tick < 1 or self.concurrency < 1 or self.escalate_after < 0:
            raise ValueError(
                "max_attempts, per_tick and concurrency must be at least 1, escalate_after at least 0"
            )
        try:
            parse_weekly(self.portfolio_schedule)
        except CommandError as problem:
            raise ValueError(f"portfolio_schedule: {problem.message}") from None
