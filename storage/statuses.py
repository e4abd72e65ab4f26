"""Status updates: what the team says about where the project stands."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import audit
from storage.models import Project, StatusUpdate


def add(
    session: Session,
    *,
    project: Project,
    health: str,
    text: str,
    author_id: str,
    request_id: str,
    now: datetime,
) -> StatusUpdate:
    assert project.id is not None
    update = StatusUpdate(
        tenant_id=project.tenant_id,
        project_id=project.id,
        author_id=author_id,
        health=health,
        text=text,
        created_at=now,
        request_id=request_id,
    )
    session.add(update)
    session.flush()
    audit.record(session, project=project, actor_id=author_id, at=now, action="status.add", after=update)
    return update


def latest(session: Session, *, project: Project, limit: int) -> Sequence[StatusUpdate]:
    """The newest `limit` updates, newest first."""
    query = (
        select(StatusUpdate)
        .where(StatusUpdate.project_id == project.id)
        .order_by(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc())
        .limit(limit)
    )
    return session.exec(query).all()


def get(session: Session, *, tenant_id: str, status_id: int) -> StatusUpdate | None:
    update = session.get(StatusUpdate, status_id)
    return update if update is not None and update.tenant_id == tenant_id else None


def since(session: Session, *, project: Project, start: datetime) -> Sequence[StatusUpdate]:
    """The updates posted at or after `start`, oldest first."""
    query = (
        select(StatusUpdate)
        .where(StatusUpdate.project_id == project.id, col(StatusUpdate.created_at) >= start)
        .order_by(col(StatusUpdate.created_at), col(StatusUpdate.id))
    )
    return session.exec(query).all()


def set_summary(session: Session, *, update: StatusUpdate, summary: dict[str, Any], source: str) -> None:
    """Keep the business summary of an update (made after the update was saved and answered)."""
    update.summary = summary
    update.summary_source = source
    session.add(update)


def count_since(session: Session, *, project: Project, start: datetime) -> int:
    query = select(func.count()).where(
        StatusUpdate.project_id == project.id, col(StatusUpdate.created_at) >= start
    )
    return session.exec(query).one()


def between(session: Session, *, project: Project, start: datetime, end: datetime) -> Sequence[StatusUpdate]:
    """The updates posted after `start` and at or before `end`, oldest first."""
    query = (
        select(StatusUpdate)
        .where(
            StatusUpdate.project_id == project.id,
            col(StatusUpdate.created_at) > start,
            col(StatusUpdate.created_at) <= end,
        )
        .order_by(col(StatusUpdate.created_at), col(StatusUpdate.id))
    )
    return session.exec(query).all()


def health_at(session: Session, *, project_ids: Sequence[int], at: datetime) -> dict[int, str]:
    """Each project's health as of `at` (that of its newest update at or before it), by project id;
    projects with no update by then are left out. One query for any number of projects."""
    newest_first = func.row_number().over(
        partition_by=col(StatusUpdate.project_id),
        order_by=(col(StatusUpdate.created_at).desc(), col(StatusUpdate.id).desc()),
    )
    ranked = (
        select(StatusUpdate.project_id, StatusUpdate.health, newest_first.label("rank"))
        .where(col(StatusUpdate.project_id).in_(project_ids), col(StatusUpdate.created_at) <= at)
        .subquery()
    )
    query = select(ranked.c.project_id, ranked.c.health).where(ranked.c.rank == 1)
    return {project_id: health for project_id, health in session.exec(query).all()}
