"""The decision log: what was decided, why, instead of what, and by whom."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Decision, Project
from storage.numbering import next_number
from storage.vocab import DecisionStatus


def add(
    session: Session,
    *,
    project: Project,
    title: str,
    rationale: str,
    alternatives: str | None,
    decided_by: str,
    now: datetime,
    supersedes: Decision | None = None,
    source_link: str | None = None,
    gate: str | None = None,
    snapshot: dict[str, Any] | None = None,
) -> Decision:
    """Record a decision; when it `supersedes` an earlier one, that one is marked superseded.

    A phase gate's decision (go, pivot or stop) keeps its `gate` and a `snapshot` of the checklist and
    KPIs at that moment.
    """
    assert project.id is not None
    decision = Decision(
        tenant_id=project.tenant_id,
        project_id=project.id,
        number=next_number(session, project=project, counter="decision_seq"),
        title=title,
        rationale=rationale,
        alternatives=alternatives,
        decided_by=decided_by,
        decided_at=now,
        supersedes=supersedes.number if supersedes else None,
        source_link=source_link,
        gate=gate,
        snapshot=snapshot,
    )
    session.add(decision)
    audit.record(
        session,
        project=project,
        actor_id=decided_by,
        at=now,
        action="decision.add",
        ref=decision.ref,
        after=decision,
    )
    if supersedes is not None:
        before = audit.snapshot(supersedes)
        supersedes.status = DecisionStatus.SUPERSEDED
        session.add(supersedes)
        audit.record(
            session,
            project=project,
            actor_id=decided_by,
            at=now,
            action="decision.supersede",
            ref=supersedes.ref,
            before=before,
            after=supersedes,
        )
    return decision


def get(session: Session, *, project: Project, number: int) -> Decision | None:
    query = select(Decision).where(Decision.project_id == project.id, Decision.number == number)
    return session.exec(query).first()


def newest_first(
    session: Session, *, project: Project, status: str | None = None, limit: int | None = None
) -> Sequence[Decision]:
    query = select(Decision).where(Decision.project_id == project.id)
    if status is not None:
        query = query.where(Decision.status == status)
    return session.exec(query.order_by(col(Decision.number).desc()).limit(limit)).all()


def by_numbers(session: Session, *, project: Project, numbers: Collection[int]) -> Sequence[Decision]:
    """The project's decisions with these numbers, oldest first."""
    query = select(Decision).where(Decision.project_id == project.id, col(Decision.number).in_(numbers))
    return session.exec(query.order_by(col(Decision.number))).all()


def gates(session: Session, *, project: Project) -> Sequence[Decision]:
    """The project's phase gate decisions (go, pivot, stop, and moves by hand), newest first."""
    query = select(Decision).where(Decision.project_id == project.id, col(Decision.gate).is_not(None))
    return session.exec(query.order_by(col(Decision.number).desc())).all()


def since(session: Session, *, project: Project, start: datetime) -> Sequence[Decision]:
    """The project's decisions made at or after `start`, oldest first."""
    query = select(Decision).where(Decision.project_id == project.id, col(Decision.decided_at) >= start)
    return session.exec(query.order_by(col(Decision.number))).all()
