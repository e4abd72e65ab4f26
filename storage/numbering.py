"""Per-project numbers for risks (R-n), decisions (D-n), deliverables (A-n) and experiments (E-n), and
per-tenant numbers for use cases (U-n).

The counter lives on the project row and is bumped with one UPDATE … RETURNING, which holds the row
lock until commit: concurrent commands on one project get consecutive numbers and never the same
one (the unique (project_id, number) constraints are the backstop). A tenant's counters are rows of
TenantCounter, bumped the same way; the first number of a sequence inserts its row.
"""

from typing import Literal

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from storage.models import Project, TenantCounter

Counter = Literal["risk_seq", "decision_seq", "deliverable_seq", "experiment_seq"]
TenantSequence = Literal["usecase"]


def next_number(session: Session, *, project: Project, counter: Counter) -> int:
    column = getattr(Project, counter)
    bump = (
        update(Project).where(col(Project.id) == project.id).values({counter: column + 1}).returning(column)
    )
    number: int = session.execute(bump).scalar_one()
    return number


def next_tenant_number(session: Session, *, tenant_id: str, sequence: TenantSequence) -> int:
    """The next number of one of the tenant's sequences (use cases: U-n), from 1."""
    bump = (
        update(TenantCounter)
        .where(col(TenantCounter.tenant_id) == tenant_id, col(TenantCounter.name) == sequence)
        .values(value=col(TenantCounter.value) + 1)
        .returning(col(TenantCounter.value))
    )
    number: int | None = session.execute(bump).scalar_one_or_none()
    if number is not None:
        return number
    try:
        with session.begin_nested():
            session.execute(insert(TenantCounter).values(tenant_id=tenant_id, name=sequence, value=1))
    except IntegrityError:  # another command inserted it first: bump theirs, now that it exists
        bumped: int = session.execute(bump).scalar_one()
        return bumped
    return 1
