"""Deliverables: what someone promised, by when."""

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, and_, col, or_, select

from storage import audit
from storage.models import Deliverable, Project
from storage.numbering import next_number
from storage.vocab import DeliverableStatus, Phase


def add(
    session: Session,
    *,
    project: Project,
    title: str,
    owner_user_id: str | None,
    owner_party: str | None,
    due_date: date,
    actor_id: str,
    now: datetime,
) -> Deliverable:
    assert project.id is not None
    item = Deliverable(
        tenant_id=project.tenant_id,
        project_id=project.id,
        number=next_number(session, project=project, counter="deliverable_seq"),
        title=title,
        owner_user_id=owner_user_id,
        owner_party=owner_party,
        due_date=due_date,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action="deliverable.add",
        ref=item.ref,
        after=item,
    )
    return item


def get(session: Session, *, project: Project, number: int) -> Deliverable | None:
    query = select(Deliverable).where(Deliverable.project_id == project.id, Deliverable.number == number)
    return session.exec(query).first()


def open_by_due(
    session: Session, *, project: Project, owner_user_id: str | None = None, overdue_on: date | None = None
) -> Sequence[Deliverable]:
    """Open deliverables, soonest due first; only one person's, or only those overdue on a day, if asked.

    Overdue means due before that day and not snoozed past it.
    """
    query = select(Deliverable).where(
        Deliverable.project_id == project.id, Deliverable.status == DeliverableStatus.OPEN
    )
    if owner_user_id is not None:
        query = query.where(Deliverable.owner_user_id == owner_user_id)
    if overdue_on is not None:
        query = query.where(_overdue(overdue_on))
    return session.exec(query.order_by(col(Deliverable.due_date), col(Deliverable.number))).all()


def _overdue(on: date) -> ColumnElement[bool]:
    """Due before that day and not snoozed past it (`is_overdue` is the same rule for a loaded row)."""
    return and_(
        col(Deliverable.due_date) < on,
        or_(col(Deliverable.snoozed_until).is_(None), col(Deliverable.snoozed_until) <= on),
    )


def open_for_owner(
    session: Session, *, tenant_id: str, user_id: str, today: date
) -> Sequence[tuple[Deliverable, Project]]:
    """One person's open deliverables across the tenant's projects: overdue first, then soonest due."""
    query = (
        select(Deliverable, Project)
        .join(Project, col(Project.id) == col(Deliverable.project_id))
        .where(
            Deliverable.tenant_id == tenant_id,
            Project.tenant_id == tenant_id,
            Deliverable.owner_user_id == user_id,
            Deliverable.status == DeliverableStatus.OPEN,
        )
        .order_by(
            case((_overdue(today), 0), else_=1),
            col(Deliverable.due_date),
            col(Project.key),
            col(Deliverable.number),
        )
    )
    return session.exec(query).all()


def by_numbers(session: Session, *, project: Project, numbers: Collection[int]) -> Sequence[Deliverable]:
    """The project's deliverables with these numbers, by number."""
    query = select(Deliverable).where(
        Deliverable.project_id == project.id, col(Deliverable.number).in_(numbers)
    )
    return session.exec(query.order_by(col(Deliverable.number))).all()


def overdue_counts(session: Session, *, project_ids: Collection[int], on: date) -> dict[int, int]:
    """How many open deliverables each project has overdue on a day, by project id (none: left out)."""
    query = (
        select(Deliverable.project_id, func.count())
        .where(
            col(Deliverable.project_id).in_(project_ids),
            Deliverable.status == DeliverableStatus.OPEN,
            _overdue(on),
        )
        .group_by(col(Deliverable.project_id))
    )
    return {project_id: overdue for project_id, overdue in session.exec(query).all()}


def is_overdue(item: Deliverable, on: date) -> bool:
    """Open, due before that day and not snoozed past it: `_overdue` for a row already loaded."""
    return (
        item.status == DeliverableStatus.OPEN
        and item.due_date < on
        and (item.snoozed_until is None or item.snoozed_until <= on)
    )


def open_due_before(
    session: Session, *, tenant_id: str, before: date
) -> Sequence[tuple[Deliverable, Project]]:
    """The tenant's open deliverables due before a day, in projects not closed, by project and number."""
    query = (
        select(Deliverable, Project)
        .join(Project, col(Project.id) == col(Deliverable.project_id))
        .where(
            Deliverable.tenant_id == tenant_id,
            Project.tenant_id == tenant_id,
            Project.phase != Phase.CLOSED,
            Deliverable.status == DeliverableStatus.OPEN,
            col(Deliverable.due_date) < before,
        )
        .order_by(col(Project.key), col(Deliverable.number))
    )
    return session.exec(query).all()
