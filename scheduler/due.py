"""What the sweeps found due, and how it is claimed in the outbox: sent if it fell due within the
grace window, recorded as skipped (and logged) if older."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.clock import first_zone
from scheduler.config import SchedulerConfig
from storage import outbox, people, projects
from storage.vocab import OutboxStatus


class Kind(StrEnum):
    """What a message is; each kind has its own sender (scheduler/sending.py)."""

    DIGEST = "digest"  # a project's weekly digest
    PORTFOLIO = "portfolio"  # a tenant's weekly portfolio digest
    REVIEW = "review"  # a review fell due with no status since the one before
    OVERDUE = "overdue"  # a person's daily reminder: overdue deliverables, risks past their review date
    SILENCE = "silence"  # a quiet week's digest went out: its owner hears that silence is a signal
    UNREACHABLE = "unreachable"  # a direct message failed for good: the project's owner hears who missed it


@dataclass(frozen=True)
class Due:
    """One message a sweep found due: its once-only key, where it goes, and the ids it is built from."""

    tenant_id: str
    key: str
    kind: str
    subject: dict[str, Any]
    due_at: datetime  # when its schedule fell due
    send_at: datetime  # when it may go out: later for a direct message in its reader's quiet hours
    channel_id: str | None = None
    user_id: str | None = None


@dataclass
class Planned:
    """What a sweep claimed: keys to send, and keys recorded as skipped (past the grace window)."""

    queued: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, other: "Planned") -> None:
        self.queued += other.queued
        self.skipped += other.skipped


def claim(db: Session, dues: Sequence[Due], *, config: SchedulerConfig, now: datetime) -> Planned:
    """Enqueue each message whose key is new; one that should have gone out longer ago than the grace
    window is recorded as skipped instead."""
    planned = Planned()
    for due in dues:
        claimed = outbox.enqueue(
            db,
            tenant_id=due.tenant_id,
            key=due.key,
            kind=due.kind,
            channel_id=due.channel_id,
            user_id=due.user_id,
            subject=due.subject,
            due_at=due.due_at,
            send_at=due.send_at,
            now=now,
            grace=config.grace,
        )
        if claimed is OutboxStatus.PENDING:
            planned.queued.append(due.key)
        elif claimed is OutboxStatus.SKIPPED:
            planned.skipped.append(due.key)
    return planned


def zone_of(
    db: Session, *, tenant_id: str, user_id: str, fallback: str | None, config: SchedulerConfig
) -> ZoneInfo:
    """A person's timezone: the one the platform last gave for them, else one recorded on a project,
    else `fallback` (a project's), else the configured default."""
    person = people.get(db, tenant_id=tenant_id, user_id=user_id)
    known = person.timezone if person is not None else None
    recorded = known or projects.member_timezone(db, tenant_id=tenant_id, user_id=user_id)
    return first_zone(recorded, fallback, config.default_timezone)
