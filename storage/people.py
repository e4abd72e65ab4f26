"""People across a tenant's projects: what reminders need to know of them (a pause they asked for)."""

from datetime import date, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage import audit
from storage.models import Person


def get(session: Session, *, tenant_id: str, user_id: str) -> Person | None:
    return session.get(Person, (tenant_id, user_id))


def paused_until(session: Session, *, tenant_id: str, user_id: str) -> date | None:
    """The day a person's reminders resume, if they paused them: none are sent on the days before it.

    The date is the person's own (their timezone); a date that has passed means nothing is paused.
    """
    person = get(session, tenant_id=tenant_id, user_id=user_id)
    return None if person is None else person.reminders_paused_until


def pause_reminders(
    session: Session, *, tenant_id: str, user_id: str, until: date, now: datetime
) -> date | None:
    """Hold the person's reminders until `until` (they resume that day); returns the pause before, if any."""
    return _set_pause(session, tenant_id=tenant_id, user_id=user_id, until=until, now=now)


def resume_reminders(session: Session, *, tenant_id: str, user_id: str, now: datetime) -> date | None:
    """End the person's pause; returns the day it would have ended, or None when nothing was paused."""
    if paused_until(session, tenant_id=tenant_id, user_id=user_id) is None:
        return None
    return _set_pause(session, tenant_id=tenant_id, user_id=user_id, until=None, now=now)


def _set_pause(
    session: Session, *, tenant_id: str, user_id: str, until: date | None, now: datetime
) -> date | None:
    person = get(session, tenant_id=tenant_id, user_id=user_id) or Person(
        tenant_id=tenant_id, user_id=user_id, updated_at=now
    )
    before = person.reminders_paused_until
    person.reminders_paused_until = until
    person.updated_at = now
    session.add(person)
    audit.record(
        session,
        project=None,
        tenant_id=tenant_id,
        actor_id=user_id,
        at=now,
        action="person.reminders",
        ref=user_id,
        before={"paused_until": before.isoformat() if before else None},
        after={"paused_until": until.isoformat() if until else None},
    )
    return before


def remember_timezone(
    session: Session, *, tenant_id: str, user_id: str, timezone: str, now: datetime
) -> bool:
    """Keep the timezone the platform gives for a person, for the reminders sent at their own 09:00;
    True when it changed. An upsert, so that two scheduler processes learning it at once both succeed.
    What the platform says is not a change anyone made, so it is not audited."""
    person = get(session, tenant_id=tenant_id, user_id=user_id)
    if person is not None and person.timezone == timezone:
        return False
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = (
        dialect.insert(Person)
        .values(tenant_id=tenant_id, user_id=user_id, timezone=timezone, updated_at=now)
        .on_conflict_do_update(
            index_elements=["tenant_id", "user_id"], set_={"timezone": timezone, "updated_at": now}
        )
    )
    session.exec(upsert)
    if person is not None:
        session.expire(person)
    return True
