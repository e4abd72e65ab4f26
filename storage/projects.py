"""Projects: looked up by key or by home channel, always within one tenant."""

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage import audit
from storage.models import Member, Project
from storage.vocab import Phase, Role


def by_key(session: Session, *, tenant_id: str, key: str) -> Project | None:
    return session.exec(select(Project).where(Project.tenant_id == tenant_id, Project.key == key)).first()


def by_channel(session: Session, *, tenant_id: str, channel: str) -> Project | None:
    query = select(Project).where(Project.tenant_id == tenant_id, Project.home_channel == channel)
    return session.exec(query).first()


def all_of(session: Session, *, tenant_id: str) -> Sequence[Project]:
    return session.exec(
        select(Project).where(Project.tenant_id == tenant_id).order_by(col(Project.key))
    ).all()


def of_member(session: Session, *, tenant_id: str, user_id: str) -> Sequence[Project]:
    """The tenant's projects the person is a member of (owners are members too), by key."""
    query = (
        select(Project)
        .join(Member, col(Member.project_id) == col(Project.id))
        .where(Project.tenant_id == tenant_id, Member.tenant_id == tenant_id, Member.user_id == user_id)
        .order_by(col(Project.key))
    )
    return session.exec(query).all()


def owns_any(session: Session, *, tenant_id: str, user_id: str) -> bool:
    """Whether the person owns one of the tenant's projects, closed ones included."""
    query = select(Project.id).where(Project.tenant_id == tenant_id, Project.owner_id == user_id)
    return session.exec(query.limit(1)).first() is not None


def create(
    session: Session,
    *,
    tenant_id: str,
    key: str,
    name: str,
    owner_id: str,
    sponsor_id: str | None,
    phase: str,
    home_channel: str | None,
    timezone: str,
    actor_id: str,
    now: datetime,
    problem: str | None = None,
) -> Project:
    project = Project(
        tenant_id=tenant_id,
        key=key,
        name=name,
        owner_id=owner_id,
        sponsor_id=sponsor_id,
        phase=phase,
        home_channel=home_channel,
        timezone=timezone,
        problem=problem,
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    session.flush()
    assert project.id is not None
    audit.record(
        session, project=project, actor_id=actor_id, at=now, action="project.new", ref=key, after=project
    )
    add_member(session, project=project, user_id=owner_id, role=Role.OWNER, actor_id=actor_id, now=now)
    return project


def add_member(
    session: Session, *, project: Project, user_id: str, role: str, actor_id: str, now: datetime
) -> None:
    """Make `user_id` a member of the project unless they already are."""
    query = select(Member).where(Member.project_id == project.id, Member.user_id == user_id)
    if session.exec(query).first() is None:
        assert project.id is not None
        member = Member(tenant_id=project.tenant_id, project_id=project.id, user_id=user_id, role=role)
        session.add(member)
        audit.record(
            session,
            project=project,
            actor_id=actor_id,
            at=now,
            action="member.add",
            ref=user_id,
            after=member,
        )


def member_timezone(session: Session, *, tenant_id: str, user_id: str) -> str | None:
    """The timezone recorded for a person on any of the tenant's projects."""
    query = select(Member.timezone).where(
        Member.tenant_id == tenant_id, Member.user_id == user_id, col(Member.timezone).is_not(None)
    )
    return session.exec(query).first()


def set_phase(
    session: Session,
    *,
    project: Project,
    phase: str,
    actor_id: str,
    now: datetime,
    timebox_until: date | None = None,
) -> str:
    """Move the project to `phase`, which starts now, with its timebox if one is given (a POC's end);
    returns the phase it was in."""
    before = project.phase
    project.phase = phase
    project.phase_started_at = now
    project.timebox_until = timebox_until
    project.updated_at = now
    session.add(project)
    after: dict[str, str] = {"phase": phase}
    if timebox_until is not None:
        after["timebox_until"] = timebox_until.isoformat()
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action="project.phase",
        ref=project.key,
        before={"phase": before},
        after=after,
    )
    return before


def set_timebox(
    session: Session, *, project: Project, until: date | None, actor_id: str, now: datetime
) -> date | None:
    """The current phase's timebox (a POC's end), or none; returns the one before."""
    before = project.timebox_until
    project.timebox_until = until
    _changed(
        session,
        project,
        "project.timebox",
        {"timebox_until": before.isoformat() if before else ""},
        {"timebox_until": until.isoformat() if until else ""},
        actor_id,
        now,
    )
    return before


def set_digest_schedule(
    session: Session, *, project: Project, when: str, actor_id: str, now: datetime
) -> str:
    """When the project's weekly digest goes out (`fri 16:00`, its timezone); returns the time before."""
    before = project.digest_schedule
    project.digest_schedule = when
    _changed(session, project, "project.digest", {"digest": before}, {"digest": when}, actor_id, now)
    return before


def set_review_cadence(session: Session, *, project: Project, when: str, actor_id: str, now: datetime) -> str:
    """When the project's status review falls due (`weekly thu 15:00`, or `off`); returns the one before."""
    before = project.review_cadence
    project.review_cadence = when
    _changed(session, project, "project.review", {"review": before}, {"review": when}, actor_id, now)
    return before


def _changed(
    session: Session,
    project: Project,
    action: str,
    before: dict[str, str],
    after: dict[str, str],
    actor_id: str,
    now: datetime,
) -> None:
    project.updated_at = now
    session.add(project)
    audit.record(
        session,
        project=project,
        actor_id=actor_id,
        at=now,
        action=action,
        ref=project.key,
        before=before,
        after=after,
    )


def active(session: Session) -> Sequence[Project]:
    """Every tenant's projects that are not closed, by tenant and key (for the scheduler's sweeps)."""
    query = select(Project).where(Project.phase != Phase.CLOSED)
    return session.exec(query.order_by(col(Project.tenant_id), col(Project.key))).all()


def with_key(session: Session, *, key: str) -> Sequence[Project]:
    """The projects with this key in every tenant, by tenant (for the `pmbot` command, which may be
    told the key only)."""
    query = select(Project).where(Project.key == key)
    return session.exec(query.order_by(col(Project.tenant_id))).all()
