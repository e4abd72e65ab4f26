"""Success KPIs: fixed with a baseline and a target before launch, then measured."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import audit
from storage.models import Kpi, KpiMeasurement, Project


def add(
    session: Session,
    *,
    project: Project,
    name: str,
    baseline: float,
    target: float,
    unit: str | None,
    lower_is_better: bool,
    actor_id: str,
    now: datetime,
) -> Kpi:
    assert project.id is not None
    kpi = Kpi(
        tenant_id=project.tenant_id,
        project_id=project.id,
        name=name,
        baseline=baseline,
        target=target,
        unit=unit,
        lower_is_better=lower_is_better,
        created_at=now,
    )
    session.add(kpi)
    session.flush()
    audit.record(session, project=project, actor_id=actor_id, at=now, action="kpi.add", ref=name, after=kpi)
    return kpi


def by_name(session: Session, *, project: Project, name: str) -> Kpi | None:
    query = select(Kpi).where(Kpi.project_id == project.id, func.lower(Kpi.name) == name.lower())
    return session.exec(query).first()


def all_of(session: Session, *, project: Project) -> Sequence[Kpi]:
    return session.exec(select(Kpi).where(Kpi.project_id == project.id).order_by(col(Kpi.id))).all()


def measure(
    session: Session,
    *,
    project: Project,
    kpi: Kpi,
    value: float,
    note: str | None,
    actor_id: str,
    now: datetime,
) -> KpiMeasurement:
    assert kpi.id is not None
    measurement = KpiMeasurement(
        tenant_id=kpi.tenant_id, kpi_id=kpi.id, value=value, measured_at=now, measured_by=actor_id, note=note
    )
    session.add(measurement)
    audit.record(
        session, project=project, actor_id=actor_id, at=now, action="kpi.set", ref=kpi.name, after=measurement
    )
    return measurement


def latest_values(session: Session, *, project: Project) -> dict[int, float]:
    """Each of the project's KPIs' newest measurement, by KPI id."""
    return values_at(session, project=project, at=None)


def values_at(session: Session, *, project: Project, at: datetime | None) -> dict[int, float]:
    """Each of the project's KPIs' newest measurement at or before `at` (None: of all), by KPI id."""
    measured = select(KpiMeasurement.kpi_id, func.max(KpiMeasurement.id).label("last")).join(
        Kpi, col(Kpi.id) == col(KpiMeasurement.kpi_id)
    )
    measured = measured.where(Kpi.project_id == project.id)
    if at is not None:
        measured = measured.where(col(KpiMeasurement.measured_at) <= at)
    newest = measured.group_by(col(KpiMeasurement.kpi_id)).subquery()
    query = select(KpiMeasurement.kpi_id, KpiMeasurement.value).join(
        newest, col(KpiMeasurement.id) == newest.c.last
    )
    return {kpi_id: value for kpi_id, value in session.exec(query).all()}


def latest_measurements(session: Session, *, project: Project) -> dict[int, KpiMeasurement]:
    """Each of the project's KPIs' newest measurement (value, when and by whom), by KPI id."""
    newest = (
        select(func.max(KpiMeasurement.id).label("last"))
        .join(Kpi, col(Kpi.id) == col(KpiMeasurement.kpi_id))
        .where(Kpi.project_id == project.id)
        .group_by(col(KpiMeasurement.kpi_id))
        .subquery()
    )
    query = select(KpiMeasurement).join(newest, col(KpiMeasurement.id) == newest.c.last)
    return {m.kpi_id: m for m in session.exec(query).all()}


def history(session: Session, *, kpi: Kpi) -> Sequence[KpiMeasurement]:
    """Every measurement of the KPI, oldest first."""
    query = (
        select(KpiMeasurement)
        .where(KpiMeasurement.kpi_id == kpi.id)
        .order_by(col(KpiMeasurement.measured_at), col(KpiMeasurement.id))
    )
    return session.exec(query).all()
