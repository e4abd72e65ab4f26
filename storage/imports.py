"""Records brought in from a register kept elsewhere (`pmbot import`): numbered after the project's own
R-n, A-n and D-n, and kept with an audit event each (`risk.import`, `deliverable.import`,
`decision.import`)."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from storage import audit
from storage.models import Decision, Deliverable, Project, Risk
from storage.numbering import Counter, next_number

Record = Risk | Deliverable | Decision

_KINDS: dict[type[Record], tuple[Counter, str]] = {
    Risk: ("risk_seq", "risk.import"),
    Deliverable: ("deliverable_seq", "deliverable.import"),
    Decision: ("decision_seq", "decision.import"),
}


def number(session: Session, *, project: Project, records: Sequence[Record]) -> None:
    """Give each record, in order, the project's next number of its kind."""
    for record in records:
        record.number = next_number(session, project=project, counter=_KINDS[type(record)][0])


def keep(
    session: Session, *, project: Project, records: Sequence[Record], actor_id: str, now: datetime
) -> None:
    """Add numbered records to the project, each with its audit event."""
    assert project.id is not None
    for record in records:
        record.tenant_id, record.project_id = project.tenant_id, project.id
        session.add(record)
        audit.record(
            session,
            project=project,
            actor_id=actor_id,
            at=now,
            action=_KINDS[type(record)][1],
            ref=record.ref,
            after=record,
        )
