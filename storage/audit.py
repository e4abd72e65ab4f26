"""The audit trail: every change any command makes, with who, when, before and after."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel

from storage.models import AuditEvent, Project

Snapshot = dict[str, Any] | SQLModel | None
_NOT_STATE = {"id", "tenant_id", "project_id"}


def snapshot(row: Snapshot) -> dict[str, Any] | None:
    if row is None or isinstance(row, dict):
        return row
    return row.model_dump(mode="json", exclude=_NOT_STATE)


def record(
    session: Session,
    *,
    project: Project,
    actor_id: str,
    at: datetime,
    action: str,
    ref: str | None = None,
    before: Snapshot = None,
    after: Snapshot = None,
) -> None:
    session.add(
        AuditEvent(
            tenant_id=project.tenant_id,
            project_id=project.id,
            actor_id=actor_id,
            at=at,
            action=action,
            ref=ref,
            before=snapshot(before),
            after=snapshot(after),
        )
    )
