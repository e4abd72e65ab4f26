"""The audit trail: every change any command makes, with who, when, before and after."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from storage.models import AuditEvent, Deliverable, Experiment, Project, Risk

Snapshot = dict[str, Any] | SQLModel | None
_NOT_STATE = {"id", "tenant_id", "project_id"}


def snapshot(row: Snapshot) -> dict[str, Any] | None:
    if row is None or isinstance(row, dict):
        return row
    return row.model_dump(mode="json", exclude=_NOT_STATE)


def record(
    session: Session,
    *,
    project: Project | None,
    actor_id: str,
    at: datetime,
    action: str,
    ref: str | None = None,
    before: Snapshot = None,
    after: Snapshot = None,
    tenant_id: str = "",
) -> None:
    """Record a change; a change to no project (a team's glossary, its settings) names the tenant instead."""
    assert project is not None or tenant_id, "a change belongs to a project or a tenant"
    session.add(
        AuditEvent(
            tenant_id=project.tenant_id if project else tenant_id,
            project_id=project.id if project else None,
            actor_id=actor_id,
            at=at,
            action=action,
            ref=ref,
            before=snapshot(before),
            after=snapshot(after),
        )
    )


def change(
    session: Session,
    *,
    project: Project,
    row: Risk | Deliverable | Experiment,
    changes: Mapping[str, Any],
    action: str,
    actor_id: str,
    now: datetime,
) -> None:
    """Apply `changes` (field → new value) to a numbered record and record the change."""
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    row.updated_at = now
    session.add(row)
    record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action=action,
        ref=row.ref,
        before=before,
        after=row,
    )


def between(
    session: Session, *, tenant_id: str, start: datetime, end: datetime, project_id: int | None = None
) -> Sequence[AuditEvent]:
    """The changes made after `start` and at or before `end`, oldest first: the tenant's, or one project's."""
    query = select(AuditEvent).where(
        AuditEvent.tenant_id == tenant_id, col(AuditEvent.at) > start, col(AuditEvent.at) <= end
    )
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return session.exec(query.order_by(col(AuditEvent.at), col(AuditEvent.id))).all()


def recorder(session: Session, *, project: Project, ref: str) -> str | None:
    """Who recorded the project's numbered record `ref`: the actor of its first event, whether it was
    added by a command or imported from a file."""
    query = select(AuditEvent.actor_id).where(AuditEvent.project_id == project.id, AuditEvent.ref == ref)
    return session.exec(query.order_by(col(AuditEvent.at), col(AuditEvent.id))).first()


def latest(session: Session, *, project: Project, action: str) -> AuditEvent | None:
    """The project's newest event with this action, if any."""
    query = select(AuditEvent).where(AuditEvent.project_id == project.id, AuditEvent.action == action)
    return session.exec(query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())).first()
