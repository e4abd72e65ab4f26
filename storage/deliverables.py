"""Deliverables: what someone promised, by when."""

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from storage import audit
from storage.models import Deliverable, Project
from storage.numbering import next_number
from storage.vocab import DeliverableStatus


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
        query = query.where(
            col(Deliverable.due_date) < overdue_on,
            or_(col(Deliverable.snoozed_until).is_(None), col(Deliverable.snoozed_until) <= overdue_on),
        )
    return session.exec(query.order_by(col(Deliverable.due_date), col(Deliverable.number))).all()
