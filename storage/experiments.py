"""A project's experiments (E-n): a hypothesis tested against a metric, its result and what was learned."""

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage import audit, kpis
from storage.models import Experiment, Kpi, Project
from storage.numbering import next_number


def add(
    session: Session,
    *,
    project: Project,
    hypothesis: str,
    metric: str,
    target: float | None,
    until: date | None,
    actor_id: str,
    now: datetime,
) -> Experiment:
    assert project.id is not None
    experiment = Experiment(
        tenant_id=project.tenant_id,
        project_id=project.id,
        number=next_number(session, project=project, counter="experiment_seq"),
        hypothesis=hypothesis,
        metric=metric,
        target=target,
        until=until,
        author_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(experiment)
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action="experiment.add",
        ref=experiment.ref,
        after=experiment,
    )
    return experiment


def get(session: Session, *, project: Project, number: int) -> Experiment | None:
    query = select(Experiment).where(Experiment.project_id == project.id, Experiment.number == number)
    return session.exec(query).first()


def all_of(session: Session, *, project: Project) -> Sequence[Experiment]:
    """Every experiment of the project, by number."""
    query = select(Experiment).where(Experiment.project_id == project.id)
    return session.exec(query.order_by(col(Experiment.number))).all()


def by_numbers(session: Session, *, project: Project, numbers: Collection[int]) -> Sequence[Experiment]:
    query = select(Experiment).where(Experiment.project_id == project.id, col(Experiment.number).in_(numbers))
    return session.exec(query.order_by(col(Experiment.number))).all()


def record_result(
    session: Session,
    *,
    project: Project,
    experiment: Experiment,
    value: float,
    outcome: str,
    learned: str | None,
    kpi: Kpi | None,
    actor_id: str,
    now: datetime,
) -> None:
    """Record the result; when the metric is one of the project's KPIs (`kpi`), the value is also
    recorded as a measurement of it, in the same transaction."""
    measurement_id = None
    if kpi is not None:
        note = f"{experiment.ref}: {learned}" if learned else f"Result of experiment {experiment.ref}"
        measurement = kpis.measure(
            session, project=project, kpi=kpi, value=value, note=note[:2000], actor_id=actor_id, now=now
        )
        session.flush()
        measurement_id = measurement.id
    changes = {
        "value": value,
        "outcome": outcome,
        "learned": learned,
        "result_by": actor_id,
        "result_at": now,
    }
    if measurement_id is not None:
        changes["kpi_measurement_id"] = measurement_id
    audit.change(
        session,
        project=project,
        row=experiment,
        changes=changes,
        action="experiment.result",
        actor_id=actor_id,
        now=now,
    )


def decided(
    session: Session,
    *,
    project: Project,
    experiment: Experiment,
    decision_number: int,
    actor_id: str,
    now: datetime,
) -> None:
    """Link the decision taken after the experiment's result (pivot, retry or stop)."""
    audit.change(
        session,
        project=project,
        row=experiment,
        changes={"decision_number": decision_number},
        action="experiment.decide",
        actor_id=actor_id,
        now=now,
    )


def open_past_until(
    session: Session, *, tenant_id: str, before: date
) -> Sequence[tuple[Experiment, Project]]:
    """The tenant's experiments without a result whose date is before `before`, with their projects."""
    query = (
        select(Experiment, Project)
        .join(Project, col(Project.id) == col(Experiment.project_id))
        .where(
            Experiment.tenant_id == tenant_id,
            Project.tenant_id == tenant_id,
            col(Experiment.outcome).is_(None),
            col(Experiment.until).is_not(None),
            col(Experiment.until) < before,
        )
        .order_by(col(Project.key), col(Experiment.number))
    )
    return [(e, p) for e, p in session.exec(query).all()]
