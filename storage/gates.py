"""Phase gates: the items of a phase's exit checklist ticked (or unticked) by hand, with who, when and
the evidence. Items the project's own records prove tick themselves (handlers/gates.py) and have no row."""

from datetime import datetime

from sqlmodel import Session, select

from storage import audit
from storage.models import GateCheck, Project


def checks(session: Session, *, project: Project, phase: str) -> dict[str, GateCheck]:
    """The hand ticks and unticks of the project's checklist for `phase`, by item key."""
    query = select(GateCheck).where(GateCheck.project_id == project.id, GateCheck.phase == phase)
    return {check.item: check for check in session.exec(query).all()}


def mark(
    session: Session,
    *,
    project: Project,
    phase: str,
    item: str,
    checked: bool,
    evidence: str | None,
    actor_id: str,
    now: datetime,
) -> GateCheck:
    """Tick (`checked`) or untick an item by hand; the earlier tick of the same item is replaced."""
    assert project.id is not None
    query = select(GateCheck).where(
        GateCheck.project_id == project.id, GateCheck.phase == phase, GateCheck.item == item
    )
    row = session.exec(query).first()
    before = audit.snapshot(row)
    row = row or GateCheck(
        tenant_id=project.tenant_id,
        project_id=project.id,
        phase=phase,
        item=item,
        checked_by=actor_id,
        checked_at=now,
    )
    row.checked, row.evidence, row.checked_by, row.checked_at = checked, evidence, actor_id, now
    session.add(row)
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action="gate.check" if checked else "gate.uncheck",
        ref=f"{phase}:{item}",
        before=before,
        after=row,
    )
    return row
