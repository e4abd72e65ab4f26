"""What retrospectives collected: what went well, what did not, and lessons for the next project."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Lesson, Project


def add(
    session: Session,
    *,
    project: Project,
    phase: str,
    kind: str,
    text: str,
    author_id: str,
    now: datetime,
) -> Lesson:
    assert project.id is not None
    lesson = Lesson(
        tenant_id=project.tenant_id,
        project_id=project.id,
        phase=phase,
        kind=kind,
        text=text,
        author_id=author_id,
        created_at=now,
    )
    session.add(lesson)
    audit.record(
        session, project=project, actor_id=author_id, at=now, action="lesson.add", ref=phase, after=lesson
    )
    return lesson


def of_project(session: Session, *, project: Project) -> Sequence[Lesson]:
    """The project's retrospective notes, oldest first."""
    query = select(Lesson).where(Lesson.project_id == project.id)
    return session.exec(query.order_by(col(Lesson.created_at), col(Lesson.id))).all()


def of_tenant(
    session: Session, *, tenant_id: str, phase: str | None = None, limit: int | None = None
) -> Sequence[tuple[Lesson, Project]]:
    """The tenant's retrospective notes across its projects, newest first; only `phase`'s if given."""
    query = (
        select(Lesson, Project)
        .join(Project, col(Project.id) == col(Lesson.project_id))
        .where(Lesson.tenant_id == tenant_id, Project.tenant_id == tenant_id)
    )
    if phase is not None:
        query = query.where(Lesson.phase == phase)
    query = query.order_by(col(Lesson.created_at).desc(), col(Lesson.id).desc()).limit(limit)
    return session.exec(query).all()
