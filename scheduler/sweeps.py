"""The sweeps: ask storage what has fallen due and claim it in the outbox under a deterministic key.

- `digest:<project>:<ISO week>` at the project's digest time (its timezone), in its home channel, or to
  its owner directly when it has none.
- `portfolio:<ISO week>` at the portfolio time, in the tenant's portfolio channel when it has one.
- `review:<project>:<due instant>` at the project's review time, to its owner, when no status was
  posted since the review before.
- `overdue:<person>:<their date>`: the daily reminder of overdue deliverables and risks to review
  (scheduler/overdue.py).
- `silence:<project>:<ISO week>` to the owner of a project whose digest had nothing to report, once the
  digest is sent (scheduler/sending.py).

Direct messages wait for the end of their reader's quiet hours and weekend (scheduler/timing.py).

Each sweep looks back `config.lookback` for occurrences it has no record of, never before the project
existed. A sweep only reads; the few new keys are claimed in one short write transaction.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from handlers.clock import first_zone
from handlers.errors import CommandError
from handlers.later import Services
from handlers.weekly import Weekly, parse_weekly
from scheduler import overdue
from scheduler.config import SchedulerConfig
from scheduler.due import Due, Kind, Planned, claim, zone_of
from scheduler.timing import deliver_at, iso_week, occurrences, stamp
from storage import outbox, people, projects, statuses, tenant_settings
from storage.models import Project

log = logging.getLogger(__name__)


def plan(services: Services, config: SchedulerConfig, now: datetime) -> Planned:
    """Claim everything that fell due by `now` and is not in the outbox yet."""
    with services.database.session(write=False) as db:
        found = find_due(db, config, now)
        new = _not_claimed(db, found)
    if not new:
        return Planned()
    with services.database.session(write=True) as db:
        planned = claim(db, new, config=config, now=now)
    if planned.queued:
        log.info("scheduler: %d message(s) to send: %s", len(planned.queued), ", ".join(planned.queued))
    return planned


def _not_claimed(db: Session, found: Sequence[Due]) -> list[Due]:
    by_tenant: dict[str, list[Due]] = defaultdict(list)
    for due in found:
        by_tenant[due.tenant_id].append(due)
    new = []
    for tenant_id, dues in by_tenant.items():
        known = outbox.existing_keys(db, tenant_id=tenant_id, keys={d.key for d in dues})
        new += [d for d in dues if d.key not in known]
    return new


def find_due(db: Session, config: SchedulerConfig, now: datetime) -> list[Due]:
    active = projects.active(db)
    found: list[Due] = []
    for project in active:
        found += digest_dues(db, project, config, now)
        found += review_dues(db, project, config, now)
    channels = tenant_settings.portfolio_channels(db)
    for tenant_id in sorted({p.tenant_id for p in active}):
        if tenant_id in channels:
            first = min(p.created_at for p in active if p.tenant_id == tenant_id)
            found += portfolio_dues(tenant_id, channels[tenant_id], first, config, now)
        found += overdue.reminder_dues(db, tenant_id=tenant_id, config=config, now=now)
    return found


def people_to_locate(
    services: Services, config: SchedulerConfig, now: datetime
) -> dict[tuple[str, str], str | None]:
    """Everyone the sweeps may message directly (project owners, owners of overdue deliverables and of
    risks to review), with the timezone remembered for them."""
    with services.database.session(write=False) as db:
        active = projects.active(db)
        found = {(p.tenant_id, p.owner_id) for p in active}
        for tenant_id in {p.tenant_id for p in active}:
            recipients = overdue.open_now(db, tenant_id=tenant_id, config=config, now=now).recipients()
            found |= {(tenant_id, user_id) for user_id in recipients}
        return {
            (tenant_id, user_id): getattr(
                people.get(db, tenant_id=tenant_id, user_id=user_id), "timezone", None
            )
            for tenant_id, user_id in sorted(found)
        }


def _schedule(project: Project, text: str, what: str) -> Weekly | None:
    if text.strip().lower() == "off":
        return None
    try:
        return parse_weekly(text)
    except CommandError:
        log.warning(
            "project %s/%s: its %s time “%s” cannot be read; nothing is sent for it",
            project.tenant_id,
            project.key,
            what,
            text,
        )
        return None


def _since(project: Project, config: SchedulerConfig, now: datetime) -> datetime:
    return max(now - config.lookback, project.created_at)


def _to_owner(
    db: Session,
    project: Project,
    config: SchedulerConfig,
    key: str,
    kind: Kind,
    subject: dict[str, Any],
    at: datetime,
) -> Due:
    """A direct message to the project's owner, due at `at` and sent outside their quiet hours."""
    tz = zone_of(
        db, tenant_id=project.tenant_id, user_id=project.owner_id, fallback=project.timezone, config=config
    )
    return Due(
        project.tenant_id, key, kind, subject, at, deliver_at(at, tz, config), user_id=project.owner_id
    )


def digest_dues(db: Session, project: Project, config: SchedulerConfig, now: datetime) -> list[Due]:
    schedule = _schedule(project, project.digest_schedule, "digest")
    if schedule is None:
        return []
    tz = first_zone(project.timezone, config.default_timezone)
    found = []
    for at in occurrences([schedule], tz, since=_since(project, config, now), now=now):
        week = iso_week(at, tz)
        subject = {"project_id": project.id, "project": project.key, "week": week}
        key = f"{Kind.DIGEST}:{project.key}:{week}"
        if project.home_channel:
            found.append(
                Due(project.tenant_id, key, Kind.DIGEST, subject, at, at, channel_id=project.home_channel)
            )
        else:
            found.append(_to_owner(db, project, config, key, Kind.DIGEST, subject, at))
    return found


def silence_due(db: Session, project: Project, week: str, config: SchedulerConfig, now: datetime) -> Due:
    """The note to a project's owner that its digest had nothing to report this week."""
    subject = {"project_id": project.id, "project": project.key, "week": week}
    return _to_owner(db, project, config, f"{Kind.SILENCE}:{project.key}:{week}", Kind.SILENCE, subject, now)


def review_dues(db: Session, project: Project, config: SchedulerConfig, now: datetime) -> list[Due]:
    schedule = _schedule(project, project.review_cadence, "review")
    if schedule is None:
        return []
    tz = first_zone(project.timezone, config.default_timezone)
    found = []
    for at in occurrences([schedule], tz, since=_since(project, config, now), now=now):
        previous = max(schedule.last(at - timedelta(microseconds=1), tz), project.created_at)
        if statuses.count_since(db, project=project, start=previous):
            continue  # a status was posted since the review before: nothing to chase
        subject = {"project_id": project.id, "project": project.key, "since": previous.isoformat()}
        found.append(
            _to_owner(
                db, project, config, f"{Kind.REVIEW}:{project.key}:{stamp(at)}", Kind.REVIEW, subject, at
            )
        )
    return found


def portfolio_dues(
    tenant_id: str, channel: str, first: datetime, config: SchedulerConfig, now: datetime
) -> list[Due]:
    """The tenant's portfolio digest, never for a time before its first project."""
    schedule = parse_weekly(config.portfolio_schedule)
    tz = first_zone(config.portfolio_timezone)
    found = []
    for at in occurrences([schedule], tz, since=max(now - config.lookback, first), now=now):
        week = iso_week(at, tz)
        found.append(
            Due(
                tenant_id,
                f"{Kind.PORTFOLIO}:{week}",
                Kind.PORTFOLIO,
                {"week": week},
                at,
                at,
                channel_id=channel,
            )
        )
    return found
