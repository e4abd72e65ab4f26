"""The weekly digest of a project, read by its sponsors in its channel: where it stands, how its health
moved over the last weeks, and what changed in the 7 days ending now, with the week's status updates
summarised in business language, the phase gate, governance changes and what pmbot sees going wrong
(handlers/lifecycle_warnings.py); and the portfolio digest, every open project on one screen.

What changed is read from the audit trail (every change leaves an event), what things look like now
from the records themselves. The summary (maybe an LLM call) is made aside, while the charts are drawn.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from handlers import chart_links, experiment_news, gates, governance, lifecycle, lifecycle_warnings, show
from handlers.activity import WEEK, is_activity, week_of
from handlers.clock import first_zone
from handlers.later import Services
from handlers.lifecycle import Facts
from handlers.portfolio import portfolio_digest as portfolio_digest  # the other digest
from handlers.reply import Field, Line, Mention, Reply, Section, line
from handlers.summaries import jobs, model
from handlers.summaries.model import ProjectContext
from storage import audit, decisions, deliverables, kpis, risks, statuses
from storage.models import AuditEvent, Kpi, Project, Risk, StatusUpdate
from storage.vocab import Phase, RiskStatus

TREND_WEEKS = 4
TOP_RISKS = 5
MOST_LISTED = 10  # deliverables per section; the rest are counted
RATIONALE = 300  # characters of a decision's rationale shown


@dataclass(frozen=True)
class Digest:
    reply: Reply
    active: bool  # False when nothing was recorded in the week: silence, itself a signal to the owner


@dataclass(frozen=True)
class _Read:
    """What the digest needs from the database, read in one session before any summary is made."""

    project: Project
    events: Sequence[AuditEvent]
    trend: list[str | None]  # health at the end of each of the last weeks, oldest first
    updates: Sequence[StatusUpdate]
    context: ProjectContext
    sections: list[Section]
    lifecycle: list[Section]  # the phase gate, and the governance record where it changed this week
    warnings: tuple[Section, ...]  # what pmbot sees going wrong
    phase_before: str | None


def project_digest(services: Services, *, tenant_id: str, project_id: int, now: datetime) -> Digest:
    """The digest of the week ending at `now`; LookupError when the tenant has no such project."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmbot-digest-summary") as aside:
        with services.database.session(write=False) as db:
            read = _read(db, tenant_id=tenant_id, project_id=project_id, now=now)
            # The model writes the summary while the charts are drawn, from values, not the session's rows.
            updates = [jobs.update_of(u) for u in read.updates]
            summarized = (
                aside.submit(
                    services.summarizer.updates, tenant_id=tenant_id, updates=updates, context=read.context
                )
                if updates and read.events  # a quiet week's digest says nothing of them
                else None
            )
            chart = chart_links.digest_attachment(
                db, read.project, read.events, links=services.links, now=now
            )
        project, local = read.project, first_zone(read.project.timezone)
        week_to = show.day(now.astimezone(local).date())
        title = f"Weekly digest of {project.name} ({project.key}), week to {week_to}"
        if not read.events:
            return Digest(_quiet(project, title, read.trend[-1], read.warnings), active=False)
        summary, notes = _summary(read, summarized.result() if summarized is not None else None)
    reply = Reply(
        headline=line(title),
        fields=_fields(read),
        sections=(*summary, *read.lifecycle, *read.warnings, *read.sections),
        notes=notes,
        public=True,
        attachment=chart,  # the KPI and risk charts, in a week where a KPI was measured or a risk changed
    )
    return Digest(reply, active=True)


def _read(db: Session, *, tenant_id: str, project_id: int, now: datetime) -> _Read:
    project = db.get(Project, project_id)
    if project is None or project.tenant_id != tenant_id:
        raise LookupError(f"tenant {tenant_id} has no project {project_id}")
    start, end = week_of(now)
    events = [
        e
        for e in audit.between(db, tenant_id=tenant_id, start=start, end=end, project_id=project_id)
        if is_activity(e)
    ]
    trend = health_trend(db, project_id=project_id, now=now)
    today = now.astimezone(first_zone(project.timezone)).date()
    phase_moves = [e for e in events if e.action == "project.phase"]
    facts = lifecycle.load(db, project, now=now)
    return _Read(
        project=project,
        events=events,
        trend=trend,
        updates=statuses.between(db, project=project, start=start, end=end),
        context=jobs.project_context(db, project),
        sections=_record_sections(db, project, events, start=start, end=end, today=today),
        lifecycle=_lifecycle_sections(facts, events),
        warnings=lifecycle_warnings.section(lifecycle_warnings.warnings(facts), project.key),
        phase_before=(phase_moves[0].before or {}).get("phase") if phase_moves else None,
    )


def health_trend(db: Session, *, project_id: int, now: datetime) -> list[str | None]:
    """The project's health at the end of each of the last TREND_WEEKS weeks, oldest first."""
    return [
        statuses.health_at(db, project_ids=[project_id], at=now - WEEK * back).get(project_id)
        for back in reversed(range(TREND_WEEKS))
    ]


def _quiet(project: Project, title: str, health: str | None, warnings: tuple[Section, ...]) -> Reply:
    return Reply(
        headline=line(
            f"{title}: nothing was recorded this week — no status update and no change to risks, decisions,"
            f" deliverables or KPIs. Last known health: {show.health(health)}."
        ),
        sections=warnings,
        public=True,
    )


def _lifecycle_sections(facts: Facts, events: Sequence[AuditEvent]) -> list[Section]:
    """Where the project stands at its gate, and its governance record where it changed this week."""
    found: list[Section] = []
    if facts.project.phase != Phase.CLOSED:
        states = gates.states(facts)
        missing = gates.gaps(states)
        open_items = f"; not checked yet: {', '.join(s.item.key for s in missing)}" if missing else ""
        found.append(
            Section("Phase gate", (line(f"{facts.project.phase}: {gates.tally(states)}{open_items}"),))
        )
    changed = governance.changes_of(events)
    if changed:
        found.append(Section("Governance changed this week", changed))
    return found


def _fields(read: _Read) -> tuple[Field, ...]:
    project = read.project
    moved = read.phase_before not in (None, project.phase)
    phase = project.phase + (f" (moved from {read.phase_before} this week)" if moved else "")
    known = [h for h in read.trend if h is not None]
    fields = [Field("Health", line(show.health(read.trend[-1])))]
    if len(known) > 1:
        fields.append(
            Field(f"Health, last {len(known)} weeks", line(" → ".join(show.health(h) for h in known)))
        )
    fields += [Field("Phase", line(phase)), Field("Owner", line(Mention(project.owner_id)))]
    return tuple(fields)


def _summary(
    read: _Read, result: model.Result[model.Digest] | None
) -> tuple[list[Section], tuple[Line, ...]]:
    """The week's status updates in business language (`result`, None without updates), each point
    naming the updates it comes from, with the note saying how the summary was written."""
    if result is None:
        return [Section("This week", (line("No status update this week."),))], ()
    told = jobs.digest_reply("", result, read.updates, read.project.timezone)
    points, *asks = told.sections
    return [Section(f"This week — {result.value.headline}", points.items), *asks], told.notes


def _numbers(events: Sequence[AuditEvent], *actions: str) -> list[int]:
    """The record numbers (R-n, D-n, A-n) the events with these actions are about, first seen first."""
    found = [int((e.after or {}).get("number", 0)) for e in events if e.action in actions]
    return list(dict.fromkeys(n for n in found if n))


def _record_sections(
    db: Session,
    project: Project,
    events: Sequence[AuditEvent],
    *,
    start: datetime,
    end: datetime,
    today: date,
) -> list[Section]:
    sections = [
        experiment_news.digest_section(db, project, events),
        _risks(db, project, events),
        _decisions(db, project, events),
        _done(db, project, events, today),
        _overdue(db, project, today),
        _kpis(db, project, events, start=start, end=end),
    ]
    return [s for s in sections if s is not None]


def _risks(db: Session, project: Project, events: Sequence[AuditEvent]) -> Section | None:
    numbers = _numbers(events, "risk.add", "risk.update", "risk.close")
    if not numbers:
        return None
    new = set(_numbers(events, "risk.add"))
    before: dict[int, dict[str, Any]] = {}
    for e in events:
        if e.action in ("risk.update", "risk.close") and e.before:
            before.setdefault(int(e.before.get("number", 0)), e.before)
    found = risks.by_numbers(db, project=project, numbers=numbers)
    items = [line(*show.risk_line(r), _risk_news(r, r.number in new, before.get(r.number))) for r in found]
    return Section("New and changed risks, highest score first", _first(items, TOP_RISKS))


def _risk_news(risk: Risk, new: bool, before: dict[str, Any] | None) -> str:
    """What happened to a risk this week, following its line (which ends with its status unless open)."""
    if new:
        return " — new this week"
    if before is None:
        return " — changed this week"
    if risk.status == RiskStatus.CLOSED and before.get("status") != RiskStatus.CLOSED:
        return " this week" + (f" ({risk.closed_reason})" if risk.closed_reason else "")
    was = int(before.get("probability", 0)) * int(before.get("impact", 0))
    if was != risk.score:
        return f" — score {'up' if risk.score > was else 'down'} from {was} this week"
    if risk.status != before.get("status"):
        return " — status changed this week"
    return " — updated this week"


def _decisions(db: Session, project: Project, events: Sequence[AuditEvent]) -> Section | None:
    numbers = _numbers(events, "decision.add")
    if not numbers:
        return None
    items = [
        line(
            f"{d.ref} · {d.title} — because {_clip(d.rationale, RATIONALE)} · ",
            show.who(d.decided_by),
            f" (replaces D-{d.supersedes})" if d.supersedes else "",
        )
        for d in decisions.by_numbers(db, project=project, numbers=numbers)
    ]
    return Section("Decisions made", tuple(items))


def _done(db: Session, project: Project, events: Sequence[AuditEvent], today: date) -> Section | None:
    numbers = _numbers(events, "deliverable.done")
    if not numbers:
        return None
    zone = first_zone(project.timezone)
    items = []
    for item in deliverables.by_numbers(db, project=project, numbers=numbers):
        late = (item.done_at.astimezone(zone).date() - item.due_date).days if item.done_at else 0
        timing = f"{late} day{'s' if late != 1 else ''} late" if late > 0 else "on time"
        items.append(line(*show.deliverable_line(item, today), f", {timing}"))
    return Section("Deliverables done", _first(items, MOST_LISTED))


def _overdue(db: Session, project: Project, today: date) -> Section | None:
    late = deliverables.open_by_due(db, project=project, overdue_on=today)
    if not late:
        return None
    return Section(
        "Overdue deliverables", _first([show.deliverable_line(d, today) for d in late], MOST_LISTED)
    )


def _kpis(
    db: Session, project: Project, events: Sequence[AuditEvent], *, start: datetime, end: datetime
) -> Section | None:
    touched = {e.ref.lower() for e in events if e.action in ("kpi.add", "kpi.set") and e.ref}
    moved = [k for k in kpis.all_of(db, project=project) if k.name.lower() in touched]
    if not moved:
        return None
    then = kpis.values_at(db, project=project, at=start)
    now = kpis.values_at(db, project=project, at=end)
    items = tuple(line(_kpi_move(k, then.get(k.id or 0), now.get(k.id or 0))) for k in moved)
    return Section("Success KPIs measured this week", items)


def _kpi_move(kpi: Kpi, then: float | None, now: float | None) -> str:
    progress = show.kpi_progress(kpi, now)
    if now is None:
        return f"{progress} — defined this week"
    if then is None:
        return f"{progress} — first measured this week"
    if now == then:
        return f"{progress} — unchanged this week"
    toward = (now - then) * (kpi.target - kpi.baseline) > 0
    direction = "toward" if toward else "away from"
    return f"{progress} — {'up' if now > then else 'down'} from {show.number(then)}, {direction} the target"


def _first(items: Sequence[Line], most: int) -> tuple[Line, ...]:
    more = len(items) - most
    return (*items[:most], line(f"… and {more} more")) if more > 0 else tuple(items)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
