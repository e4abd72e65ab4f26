"""The summary jobs commands leave for after their reply, and how their results read in a chat."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.later import Services
from handlers.reply import Line, Reply, Section, line
from handlers.summaries.model import Digest, KpiContext, ProjectContext, Result, Summary, Update
from storage import kpis, projects, statuses
from storage.models import Project, StatusUpdate

SOURCE_NOTE = {
    "llm": "Written by an AI model from the team's words and checked against them: every number, date and name is theirs.",
    "offline": "Written by pmbot without AI: the team's own words, with the jargon explained.",
}


def project_context(db: Session, project: Project) -> ProjectContext:
    latest = kpis.latest_values(db, project=project)
    return ProjectContext(
        name=project.name,
        phase=project.phase,
        kpis=tuple(
            KpiContext(
                name=k.name, baseline=k.baseline, target=k.target, unit=k.unit, latest=latest.get(k.id or 0)
            )
            for k in kpis.all_of(db, project=project)
        ),
    )


def update_of(row: StatusUpdate) -> Update:
    """A saved status update as the summarizer reads it."""
    return Update(health=row.health, text=row.text, author=f"@{row.author_id}", at=row.created_at)


def summary_reply(title: str, result: Result[Summary]) -> Reply:
    value = result.value
    sections = [Section("", (line(value.summary),))]
    if value.business_impact:
        sections.append(Section("What it means", (line(value.business_impact),)))
    return _reply(f"{title}: {value.headline}", sections, value.asks, result.source)


def _reply(headline: str, sections: list[Section], asks: list[str], source: str) -> Reply:
    if asks:
        sections.append(Section("Needed from you", tuple(line(a) for a in asks)))
    # Summaries are for the channel: posted there once ready, whoever asked.
    return Reply(
        headline=line(headline), sections=tuple(sections), notes=(line(SOURCE_NOTE[source]),), public=True
    )


def digest_reply(title: str, result: Result[Digest], updates: Sequence[StatusUpdate], tz_name: str) -> Reply:
    """Each point names the updates it comes from (author and day), so a reader can check it."""
    zone = ZoneInfo(tz_name)

    def point(text: str, sources: list[int]) -> Line:
        known = [updates[n - 1] for n in sorted(set(sources)) if 1 <= n <= len(updates)]
        refs = ", ".join(f"@{u.author_id} {u.created_at.astimezone(zone):%a %d %b}" for u in known)
        return line(text, f" [{refs}]" if refs else "")

    value = result.value
    sections = [Section("", tuple(point(p.text, p.sources) for p in value.points))]
    return _reply(f"{title}: {value.headline}", sections, value.asks, result.source)


def summarize_status(services: Services, *, tenant_id: str, status_id: int) -> Reply | None:
    """Write the business summary of a saved status update, keep it with the update, and show it."""
    with services.database.session(write=False) as db:
        row = statuses.get(db, tenant_id=tenant_id, status_id=status_id)
        project = db.get(Project, row.project_id) if row else None
        if row is None or project is None:
            return None
        context = project_context(db, project)
    result = services.summarizer.status(tenant_id=tenant_id, update=update_of(row), context=context)
    with services.database.session(write=True) as db:
        fresh = statuses.get(db, tenant_id=tenant_id, status_id=status_id)
        assert fresh is not None
        statuses.set_summary(
            db, update=fresh, summary=result.value.model_dump(mode="json"), source=result.source
        )
    return summary_reply(f"For sponsors, {project.key}", result)


def summarize_since(services: Services, *, tenant_id: str, project_key: str, start: datetime) -> Reply | None:
    with services.database.session(write=False) as db:
        project = projects.by_key(db, tenant_id=tenant_id, key=project_key)
        if project is None:
            return None
        rows = statuses.since(db, project=project, start=start)
        context = project_context(db, project)
    result = services.summarizer.updates(
        tenant_id=tenant_id, updates=[update_of(r) for r in rows], context=context
    )
    return digest_reply(f"{project.key} since {start:%a %d %b}", result, rows, project.timezone)


def explain(services: Services, *, tenant_id: str, text: str) -> Reply:
    return summary_reply("In plain words", services.summarizer.explain(tenant_id=tenant_id, text=text))
