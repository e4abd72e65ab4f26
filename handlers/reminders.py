"""What the scheduler's reminders say, built when they are sent from the ids the outbox keeps: so a
deliverable marked done, or a status posted, after a reminder was planned is not chased any more.
Each function returns None when nothing is left to say."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from handlers import show
from handlers.clock import first_zone
from handlers.later import Services
from handlers.reply import Action, Code, Field, Line, Reply, Section, line
from storage import deliverables, experiments, people, projects, risks, statuses
from storage.models import Deliverable, Experiment, Project, Risk
from storage.vocab import Phase, RiskStatus

PAUSE_NOTE = line("Away? ", Code("remind off until <date>"), " holds these reminders until you are back.")


def _project(db: Session, tenant_id: str, key: str) -> Project | None:
    project = projects.by_key(db, tenant_id=tenant_id, key=key)
    return project if project is not None and project.phase != Phase.CLOSED else None


def post_status_action(project: Project) -> Action:
    return Action("Post a status", f"{project.key}: status")


def review_reminder(
    services: Services, *, tenant_id: str, subject: dict[str, Any], now: datetime
) -> Reply | None:
    """To a project's owner when its review fell due with no status since the review before."""
    with services.database.session(write=False) as db:
        project = _project(db, tenant_id, subject["project"])
        if project is None:
            return None
        if statuses.count_since(db, project=project, start=datetime.fromisoformat(subject["since"])):
            return None  # posted since the reminder was planned
        latest = statuses.latest(db, project=project, limit=1)
    last: Line = line("none yet")
    if latest:
        update = latest[0]
        posted = update.created_at.astimezone(first_zone(project.timezone)).date()
        last = line(
            f"{show.health(update.health)} · {update.text} · ",
            show.who(update.author_id),
            f" · {show.day(posted)}",
        )
    return Reply(
        headline=line(f"{project.key}: its review is due and no status was posted since the last one"),
        fields=(Field("Project", line(project.name)), Field("Last status", last)),
        sections=(
            Section(
                "",
                (
                    line(
                        "Say where it stands: ",
                        Code(f"{project.key}: status <on-track|at-risk|off-track> <what happened>"),
                    ),
                ),
                ((post_status_action(project),),),
            ),
        ),
    )


def silence_reminder(
    services: Services, *, tenant_id: str, subject: dict[str, Any], now: datetime
) -> Reply | None:
    """To a project's owner when its weekly digest had nothing to report."""
    with services.database.session(write=False) as db:
        project = _project(db, tenant_id, subject["project"])
    if project is None:
        return None
    return Reply(
        headline=line(f"{project.key}: this week's digest had nothing to report"),
        sections=(
            Section(
                "",
                (
                    line(
                        f"Nothing was recorded on {project.name} this week. Silence is itself a signal: "
                        "readers of the digest cannot tell a quiet week from a stalled project. A status says which.",
                    ),
                ),
                ((post_status_action(project),),),
            ),
        ),
    )


def _deliverables(
    db: Session, tenant_id: str, refs: Sequence[Sequence[Any]], day: date
) -> list[tuple[Deliverable, Project]]:
    """The deliverables named by [project key, number] that are still overdue on `day`."""
    found = []
    for key, number in refs:
        project = _project(db, tenant_id, key)
        item = deliverables.get(db, project=project, number=number) if project else None
        if project is not None and item is not None and deliverables.is_overdue(item, day):
            found.append((item, project))
    return found


def _risks(db: Session, tenant_id: str, refs: Sequence[Sequence[Any]]) -> list[tuple[Risk, Project]]:
    """The risks named by [project key, number, review date] still open with that review date."""
    found = []
    for key, number, review_by in refs:
        project = _project(db, tenant_id, key)
        risk = risks.get(db, project=project, number=number) if project else None
        if (
            project is not None
            and risk is not None
            and risk.status != RiskStatus.CLOSED
            and risk.review_by is not None
            and risk.review_by.isoformat() == review_by
        ):
            found.append((risk, project))
    return found


def _experiments(
    db: Session, tenant_id: str, refs: Sequence[Sequence[Any]]
) -> list[tuple[Experiment, Project]]:
    """The experiments named by [project key, number] still without a result."""
    found = []
    for key, number in refs:
        project = _project(db, tenant_id, key)
        experiment = experiments.get(db, project=project, number=number) if project else None
        if project is not None and experiment is not None and experiment.outcome is None:
            found.append((experiment, project))
    return found


def _experiment_section(rows: list[tuple[Experiment, Project]]) -> Section:
    return Section(
        "Experiments past their date without a result",
        tuple(
            line(
                f"{project.key} · {experiment.ref} · {experiment.hypothesis} · {experiment.metric}"
                f" · result due {show.day(experiment.until)} — ",
                Code(
                    f'{project.key}: experiment result {experiment.ref} <value> [success|fail|inconclusive] ["what we learned"]'
                ),
            )
            for experiment, project in rows
            if experiment.until is not None
        ),
    )


def _deliverable_section(
    title: str, rows: list[tuple[Deliverable, Project]], day: date, *, owner: bool
) -> Section:
    return Section(
        title,
        tuple(
            line(f"{project.key} · ", *show.deliverable_line(item, day, owner=owner))
            for item, project in rows
        ),
        tuple(show.deliverable_actions(item, project.key) for item, project in rows),
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def overdue_reminder(
    services: Services, *, tenant_id: str, user_id: str, subject: dict[str, Any], now: datetime
) -> Reply | None:
    """A person's daily reminder: their overdue deliverables, those of their projects that are long
    overdue or owed by outside parties, their risks whose review date passed, and their experiments
    past their date without a result."""
    day = date.fromisoformat(subject["date"])
    with services.database.session(write=False) as db:
        paused = people.paused_until(db, tenant_id=tenant_id, user_id=user_id)
        if paused is not None and day < paused:
            return None
        own = _deliverables(db, tenant_id, subject["own"], day)
        escalated = _deliverables(db, tenant_id, subject["escalated"], day)
        review = _risks(db, tenant_id, subject["risks"])
        late = _experiments(db, tenant_id, subject.get("experiments", []))
    if not (own or escalated or review or late):
        return None
    sections, parts = [], []
    if own:
        sections.append(_deliverable_section("Your overdue deliverables", own, day, owner=False))
        parts.append(_count(len(own), "overdue deliverable", "overdue deliverables"))
    if escalated:
        sections.append(_deliverable_section("Overdue in projects you own", escalated, day, owner=True))
        parts.append(_count(len(escalated), "late item in your projects", "late items in your projects"))
    if review:
        lines = tuple(
            line(
                f"{project.key} · ", *show.risk_line(risk), f" · review by {show.day(risk.review_by or day)}"
            )
            for risk, project in review
        )
        sections.append(Section("Risks past their review date", lines))
        parts.append(_count(len(review), "risk to review", "risks to review"))
    if late:
        sections.append(_experiment_section(late))
        parts.append(_count(len(late), "experiment without its result", "experiments without their results"))
    return Reply(
        headline=line(f"{show.day(day)}: " + ", ".join(parts)),
        sections=tuple(sections),
        notes=(PAUSE_NOTE,),
    )


def unreachable_notice(subject: dict[str, Any]) -> Reply:
    """To a project's owner (or its channel): a direct message to someone could not be delivered."""
    person = subject["person"]
    return Reply(
        headline=line("pmbot could not reach ", show.who(person), " with their reminder"),
        fields=(
            Field("Projects", line(", ".join(subject["projects"]))),
            Field("Day", line(show.day(date.fromisoformat(subject["date"])))),
            Field("Why", line(Code(subject["why"]))),
        ),
        notes=(
            line(
                "Pass it on yourself. So that pmbot can reach them next time: in Teams, add pmbot for them "
                "or ask them to open it once; in Slack, check that their account is still active."
            ),
        ),
    )
