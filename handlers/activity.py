"""The week a digest covers (the 7 days ending when it is made) and what counts as activity in it."""

from datetime import datetime, timedelta

from storage.models import AuditEvent

WEEK = timedelta(days=7)
# What counts as activity: a settings change or a new member is not news for sponsors.
ACTIVITY = (
    "status.",
    "risk.",
    "decision.",
    "deliverable.",
    "kpi.",
    "experiment.",
    "project.phase",
    "project.timebox",
    "gate.",
    "governance.",
    "lesson.",
)


def week_of(now: datetime) -> tuple[datetime, datetime]:
    """The 7 days ending at `now`: what happened after the start and at or before `now` is the week's."""
    return now - WEEK, now


def is_activity(event: AuditEvent) -> bool:
    return event.action.startswith(ACTIVITY)
