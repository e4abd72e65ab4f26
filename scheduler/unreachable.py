"""Who could not be reached. When a direct message fails for good (pmbot is not installed for the
person in Teams, their Slack account was deactivated), each owner of a project the message was about
is told who and why, once per person and day, so that nobody is left uninformed in silence. When the
person is the owner themselves, the project's channel is told instead. A notice that fails is not
followed by another."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from scheduler.config import SchedulerConfig
from scheduler.due import Due, Kind, zone_of
from scheduler.timing import deliver_at
from storage import projects
from storage.models import OutboxMessage, Project
from storage.vocab import Phase

MAX_WHY = 300  # characters of the platform's answer shown to the owner


def _project_keys(subject: dict[str, Any]) -> set[str]:
    """The projects a message is about: one for a review or silence reminder, several for a daily one."""
    keys = {subject["project"]} if "project" in subject else set()
    for name in ("own", "escalated", "risks", "experiments"):
        keys.update(ref[0] for ref in subject.get(name, ()))
    return keys


def _day(message: OutboxMessage) -> date:
    named = message.subject.get("date")
    return date.fromisoformat(named) if named else message.due_at.date()


def notices(
    db: Session, *, message: OutboxMessage, why: str, config: SchedulerConfig, now: datetime
) -> list[Due]:
    """The notices to send because the direct message `message` could not be delivered."""
    person = message.user_id
    if person is None or message.kind == Kind.UNREACHABLE:
        return []
    found = [
        project
        for key in sorted(_project_keys(message.subject))
        if (project := projects.by_key(db, tenant_id=message.tenant_id, key=key)) is not None
        and project.phase != Phase.CLOSED
    ]
    day = _day(message).isoformat()

    def notice(to: str, about: list[Project], send_at: datetime, **where: str) -> Due:
        subject = {"person": person, "projects": [p.key for p in about], "why": why[:MAX_WHY], "date": day}
        key = f"{Kind.UNREACHABLE}:{to}:{person}:{day}"
        return Due(message.tenant_id, key, Kind.UNREACHABLE, subject, now, send_at, **where)

    by_owner: dict[str, list[Project]] = {}
    dues = []
    for project in found:
        if project.owner_id != person:
            by_owner.setdefault(project.owner_id, []).append(project)
        elif project.home_channel is not None:
            dues.append(notice(project.key, [project], now, channel_id=project.home_channel))
    for owner, owned in by_owner.items():
        tz = zone_of(
            db, tenant_id=message.tenant_id, user_id=owner, fallback=owned[0].timezone, config=config
        )
        dues.append(notice(owner, owned, deliver_at(now, tz, config), user_id=owner))
    return dues
