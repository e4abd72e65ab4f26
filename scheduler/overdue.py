"""The daily reminder: on working days at `reminder_time` in each person's own timezone, one direct
message per person (`overdue:<person>:<their date>`) listing, across the tenant's projects:

- their overdue deliverables (snoozed ones wait until the snooze ends);
- as a project owner, their projects' deliverables overdue `escalate_after` working days or more
  (after three: due Monday, they hear of it on Friday), and those owed by an outside party;
- risks whose review-by date has just passed: each review date is announced once, on the first
  working day after it (a risk reviewed by Friday is announced on Monday);
- to its author, each experiment past its `until` date without a result, every working day until one
  is recorded.

A person who paused their reminders gets none on the days before the pause ends.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from scheduler.config import SchedulerConfig
from scheduler.due import Due, Kind, zone_of
from scheduler.timing import daily, deliver_at, occurrences, previous_working_day, working_days_between
from storage import deliverables, experiments, people, risks
from storage.models import Deliverable, Experiment, Project, Risk

AHEAD = timedelta(hours=14)  # the furthest any timezone is ahead of UTC: its today is the latest


@dataclass(frozen=True)
class Open:
    """What may go into the tenant's reminders now: overdue candidates and risks whose review passed."""

    items: Sequence[tuple[Deliverable, Project]]
    risks: Sequence[tuple[Risk, Project]]
    experiments: Sequence[tuple[Experiment, Project]] = ()  # without a result, past their date

    def recipients(self) -> dict[str, str]:
        """Whom reminders may go to, each with the timezone of one of their projects (by key)."""
        found: dict[str, str] = {}
        for item, project in self.items:
            found.setdefault(item.owner_user_id or project.owner_id, project.timezone)
            found.setdefault(project.owner_id, project.timezone)
        for risk, project in self.risks:
            found.setdefault(risk.owner_id or project.owner_id, project.timezone)
        for experiment, project in self.experiments:
            found.setdefault(experiment.author_id, project.timezone)
        return found


def open_now(db: Session, *, tenant_id: str, config: SchedulerConfig, now: datetime) -> Open:
    latest_today = (now + AHEAD).date()
    earliest = previous_working_day((now - config.lookback).date() - timedelta(days=1), config.working_days)
    return Open(
        items=deliverables.open_due_before(db, tenant_id=tenant_id, before=latest_today),
        risks=risks.review_between(db, tenant_id=tenant_id, start=earliest, end=latest_today),
        experiments=experiments.open_past_until(db, tenant_id=tenant_id, before=latest_today),
    )


def contents(person: str, day: date, found: Open, config: SchedulerConfig) -> dict[str, Any] | None:
    """What the person's reminder of `day` lists, as [project key, number] pairs; None if nothing."""
    own, escalated = [], []
    for item, project in found.items:
        if not deliverables.is_overdue(item, day):
            continue
        if item.owner_user_id == person:
            own.append([project.key, item.number])
        elif project.owner_id == person and (
            item.owner_party is not None
            or working_days_between(item.due_date, day, config.working_days) >= config.escalate_after
        ):
            escalated.append([project.key, item.number])
    start = previous_working_day(day, config.working_days)
    review = [
        [project.key, risk.number, risk.review_by.isoformat()]
        for risk, project in found.risks
        if (risk.owner_id or project.owner_id) == person and risk.review_by and start <= risk.review_by < day
    ]
    late = [
        [project.key, experiment.number]
        for experiment, project in found.experiments
        if experiment.author_id == person and experiment.until is not None and experiment.until < day
    ]
    if not (own or escalated or review or late):
        return None
    found_now: dict[str, Any] = {"date": day.isoformat(), "own": own, "escalated": escalated, "risks": review}
    if late:
        found_now["experiments"] = late
    return found_now


def reminder_dues(db: Session, *, tenant_id: str, config: SchedulerConfig, now: datetime) -> list[Due]:
    found = open_now(db, tenant_id=tenant_id, config=config, now=now)
    schedule = daily(config.reminder_time, config.working_days)
    dues = []
    for person, project_tz in sorted(found.recipients().items()):
        tz = zone_of(db, tenant_id=tenant_id, user_id=person, fallback=project_tz, config=config)
        paused = people.paused_until(db, tenant_id=tenant_id, user_id=person)
        for at in occurrences(schedule, tz, since=now - config.lookback, now=now):
            day = at.astimezone(tz).date()
            if paused is not None and day < paused:
                continue
            subject = contents(person, day, found, config)
            if subject is not None:
                key = f"{Kind.OVERDUE}:{person}:{day.isoformat()}"
                dues.append(
                    Due(tenant_id, key, Kind.OVERDUE, subject, at, deliver_at(at, tz, config), user_id=person)
                )
    return dues
