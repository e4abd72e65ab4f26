"""The portfolio backlog: proposed AI use cases (U-n, per tenant), each person's scores of them, and
what became of them (qualified, rejected, or promoted to a project)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Project, UseCase, UseCaseScore
from storage.numbering import next_tenant_number


def add(
    session: Session,
    *,
    tenant_id: str,
    title: str,
    problem: str,
    proposer_id: str,
    owner_id: str | None,
    now: datetime,
) -> UseCase:
    usecase = UseCase(
        tenant_id=tenant_id,
        number=next_tenant_number(session, tenant_id=tenant_id, sequence="usecase"),
        title=title,
        problem=problem,
        proposer_id=proposer_id,
        owner_id=owner_id,
        created_at=now,
        updated_at=now,
    )
    session.add(usecase)
    audit.record(
        session,
        project=None,
        tenant_id=tenant_id,
        actor_id=proposer_id,
        at=now,
        action="usecase.add",
        ref=usecase.ref,
        after=usecase,
    )
    return usecase


def get(session: Session, *, tenant_id: str, number: int) -> UseCase | None:
    query = select(UseCase).where(UseCase.tenant_id == tenant_id, UseCase.number == number)
    return session.exec(query).first()


def all_of(session: Session, *, tenant_id: str) -> Sequence[UseCase]:
    """Every use case of the tenant, by number."""
    query = select(UseCase).where(UseCase.tenant_id == tenant_id).order_by(col(UseCase.number))
    return session.exec(query).all()


def score(
    session: Session,
    *,
    usecase: UseCase,
    scorer_id: str,
    value: int,
    feasibility: int,
    data: int,
    risk: int | None,
    note: str | None,
    now: datetime,
) -> tuple[UseCaseScore, bool]:
    """Record a person's scores; scoring again replaces their earlier ones. Returns the scores and
    whether they replaced earlier ones."""
    assert usecase.id is not None
    query = select(UseCaseScore).where(
        UseCaseScore.usecase_id == usecase.id, UseCaseScore.scorer_id == scorer_id
    )
    found = session.exec(query).first()
    before = audit.snapshot(found)
    row = found or UseCaseScore(
        tenant_id=usecase.tenant_id,
        usecase_id=usecase.id,
        scorer_id=scorer_id,
        value=value,
        feasibility=feasibility,
        data=data,
        scored_at=now,
    )
    row.value, row.feasibility, row.data, row.risk, row.note = value, feasibility, data, risk, note
    row.scored_at = now
    session.add(row)
    audit.record(
        session,
        project=None,
        tenant_id=usecase.tenant_id,
        actor_id=scorer_id,
        at=now,
        action="usecase.score",
        ref=usecase.ref,
        before=before,
        after=row,
    )
    return row, found is not None


def scores_of(session: Session, *, usecase_ids: Sequence[int]) -> dict[int, list[UseCaseScore]]:
    """Each use case's scores (one per person), by use case id; one query for them all."""
    found: dict[int, list[UseCaseScore]] = {i: [] for i in usecase_ids}
    if not usecase_ids:
        return found
    query = select(UseCaseScore).where(col(UseCaseScore.usecase_id).in_(usecase_ids))
    for row in session.exec(query.order_by(col(UseCaseScore.id))).all():
        found[row.usecase_id].append(row)
    return found


def change(
    session: Session,
    *,
    usecase: UseCase,
    changes: Mapping[str, Any],
    action: str,
    actor_id: str,
    now: datetime,
    project: Project | None = None,
) -> None:
    """Apply `changes` (field → new value) and record the change: the tenant's, or the project's when
    the use case became one."""
    before = audit.snapshot(usecase)
    for name, new in changes.items():
        setattr(usecase, name, new)
    usecase.updated_at = now
    session.add(usecase)
    audit.record(
        session,
        project=project,
        tenant_id=usecase.tenant_id,
        actor_id=actor_id,
        at=now,
        action=action,
        ref=usecase.ref,
        before=before,
        after=usecase,
    )
