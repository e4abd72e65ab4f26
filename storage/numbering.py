"""Per-project numbers for risks (R-n), decisions (D-n) and deliverables (A-n).

The counter lives on the project row and is bumped with one UPDATE … RETURNING, which holds the row
lock until commit: concurrent commands on one project get consecutive numbers and never the same
one (the unique (project_id, number) constraints are the backstop).
"""

from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, col

from storage.models import Project

Counter = Literal["risk_seq", "decision_seq", "deliverable_seq"]


def next_number(session: Session, *, project: Project, counter: Counter) -> int:
    column = getattr(Project, counter)
    bump = (
        update(Project).where(col(Project.id) == project.id).values({counter: column + 1}).returning(column)
    )
    number: int = session.execute(bump).scalar_one()
    return number
