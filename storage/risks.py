"""The risk register."""

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Project, Risk
from storage.numbering import next_number
from storage.vocab import Phase, RiskStatus


def add(
    session: Session,
    *,
    project: Project,
    title: str,
    probability: int,
    impact: int,
    owner_id: str | None,
    category: str | None,
    mitigation: str | None,
    review_by: date | None,
    actor_id: str,
    now: datetime,
) -> Risk:
    assert project.id is not None
    risk = Risk(
        tenant_id=project.tenant_id,
        project_id=project.id,
        number=next_number(session, project=project, counter="risk_seq"),
        title=title,
        probability=probability,
        impact=impact,
        owner_id=owner_id,
        category=category,
        mitigation=mitigation,
        review_by=review_by,
        created_at=now,
        updated_at=now,
    )
    session.add(risk)
    audit.record(
        session, project=project, actor_id=actor_id, at=now, action="risk.add", ref=risk.ref, after=risk
    )
    return risk


def get(session: Session, *, project: Project, number: int) -> Risk | None:
    query = select(Risk).where(Risk.project_id == project.id, Risk.number == number)
    return session.exec(query).first()


def all_of(session: Session, *, project: Project) -> Sequence[Risk]:
    """Every risk of the project, closed ones too, by number."""
    return session.exec(select(Risk).where(Risk.project_id == project.id).order_by(col(Risk.number))).all()


def open_by_score(session: Session, *, project: Project, limit: int | None = None) -> Sequence[Risk]:
    """Risks not closed, highest score first, then oldest first."""
    query = (
        select(Risk)
        .where(Risk.project_id == project.id, Risk.status != RiskStatus.CLOSED)
        .order_by((col(Risk.probability) * col(Risk.impact)).desc(), col(Risk.number))
        .limit(limit)
    )
    return session.exec(query).all()


def open_owned_by(session: Session, *, tenant_id: str, user_id: str) -> Sequence[tuple[Risk, Project]]:
    """The risks a person owns across the tenant's projects, not closed, highest score first."""
    query = (
        select(Risk, Project)
        .join(Project, col(Project.id) == col(Risk.project_id))
        .where(
            Risk.tenant_id == tenant_id,
            Project.tenant_id == tenant_id,
            Risk.owner_id == user_id,
            Risk.status != RiskStatus.CLOSED,
        )
        .order_by((col(Risk.probability) * col(Risk.impact)).desc(), col(Project.key), col(Risk.number))
    )
    return session.exec(query).all()


def by_numbers(session: Session, *, project: Project, numbers: Collection[int]) -> Sequence[Risk]:
    """The project's risks with these numbers, highest score first, then oldest first."""
    query = (
        select(Risk)
        .where(Risk.project_id == project.id, col(Risk.number).in_(numbers))
        .order_by((col(Risk.probability) * col(Risk.impact)).desc(), col(Risk.number))
    )
    return session.exec(query).all()


def review_between(
    session: Session, *, tenant_id: str, start: date, end: date
) -> Sequence[tuple[Risk, Project]]:
    """The tenant's risks not closed whose review-by date is from `start` to before `end`, in projects
    not closed, by project and number."""
    query = (
        select(Risk, Project)
        .join(Project, col(Project.id) == col(Risk.project_id))
        .where(
            Risk.tenant_id == tenant_id,
            Project.tenant_id == tenant_id,
            Project.phase != Phase.CLOSED,
            Risk.status != RiskStatus.CLOSED,
            col(Risk.review_by) >= start,
            col(Risk.review_by) < end,
        )
        .order_by(col(Project.key), col(Risk.number))
    )
    return session.exec(query).all()
