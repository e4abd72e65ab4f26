"""A project's governance record: its EU AI Act class and sponsor (kept on the project), the reason for
that class, GDPR (personal data, lawful basis, DPIA, processors) and where the model is documented."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import audit
from storage.models import Governance, Project

ON_PROJECT = ("ai_act_class", "sponsor_id")  # the fields of `update` that live on the project


def get(session: Session, *, project: Project) -> Governance | None:
    """The project's record, or None while nothing was recorded."""
    found = session.get(Governance, project.id)
    return found if found is not None and found.tenant_id == project.tenant_id else None


def update(
    session: Session, *, project: Project, changes: Mapping[str, Any], actor_id: str, now: datetime
) -> Governance:
    """Set the fields in `changes` (Governance's column names, and the project's AI Act class and sponsor),
    in one audited change."""
    assert project.id is not None
    row = get(session, project=project) or Governance(
        project_id=project.id, tenant_id=project.tenant_id, updated_by=actor_id, updated_at=now
    )
    before: dict[str, Any] = {}
    for name, value in changes.items():
        target: Project | Governance = project if name in ON_PROJECT else row
        before[name] = getattr(target, name)
        setattr(target, name, value)
    row.updated_by, row.updated_at = actor_id, now
    session.add(row)
    if set(changes) & set(ON_PROJECT):
        project.updated_at = now
        session.add(project)
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action="governance.set",
        ref=project.key,
        before=before,
        after=dict(changes),
    )
    return row
