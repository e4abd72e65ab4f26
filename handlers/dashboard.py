"""The read-only dashboard for sponsors who do not live in chat, as plain data: the portfolio of a
tenant's projects (phase, health, KPI progress, top risks) and one page per project (risks, decisions,
deliverables, status history with its business summaries, gate checklist, governance record).

Platform-neutral: the web pages (bot/web/dashboard.py) only lay these out. Everything is read for one
tenant, named by the signed link; a project of another tenant is never found.
"""

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session

from handlers import charts, gates, governance, lifecycle, lifecycle_warnings
from handlers.lifecycle import Facts
from handlers.reply import Field, Line, line
from handlers.summaries.model import Summary
from storage import decisions, deliverables, projects, statuses, teams_conversations
from storage.models import Decision, Deliverable, Kpi, Project, Risk, StatusUpdate
from storage.vocab import Health, Phase, RiskStatus

log = logging.getLogger(__name__)

TOP_RISKS = 3  # per project on the portfolio
HISTORY = 20  # status updates on a project's page
DECISIONS = 30  # decisions on a project's page, newest first
HEALTH_LABELS = {Health.ON_TRACK: "On track", Health.AT_RISK: "At risk", Health.OFF_TRACK: "Off track"}
# Worst first: a project with no status at all is a question for its sponsor too.
ORDER: dict[str | None, int] = {Health.OFF_TRACK: 0, Health.AT_RISK: 1, None: 2, Health.ON_TRACK: 3}


def health_label(value: str | None) -> str:
    return HEALTH_LABELS.get(Health(value), value) if value else "No status yet"


@dataclass(frozen=True)
class Chart:
    """A PNG chart and the words that say what it shows, for those who cannot see it."""

    alt: str
    png: bytes


@dataclass(frozen=True)
class KpiView:
    name: str
    unit: str | None
    baseline: float
    target: float
    latest: float | None
    measured_on: date | None
    progress: int | None  # % of the way from baseline to target, rounded down; None before a measure


@dataclass(frozen=True)
class RiskView:
    ref: str
    title: str
    score: int
    probability: int
    impact: int
    category: str | None
    owner_id: str | None
    mitigation: str | None
    status: str


@dataclass(frozen=True)
class ProjectRow:
    """A project as the portfolio shows it."""

    key: str
    name: str
    phase: str
    health: str | None
    owner_id: str
    sponsor_id: str | None
    last_status_on: date | None
    kpis: tuple[KpiView, ...]
    top_risks: tuple[RiskView, ...]
    open_risks: int
    overdue: int

    @property
    def health_label(self) -> str:
        return health_label(self.health)


@dataclass(frozen=True)
class Portfolio:
    tenant_id: str
    as_of: date
    projects: tuple[ProjectRow, ...]  # open ones worst health first, closed ones last
    names: Mapping[str, str]  # display names of people, by user id, where pmbot knows them
    chart: Chart | None = None

    def count(self, health: str | None) -> int:
        return sum(p.health == health for p in self.projects if p.phase != Phase.CLOSED)


@dataclass(frozen=True)
class StatusView:
    on: date
    health: str | None
    author_id: str
    text: str
    summary: Summary | None  # in business language, once made (handlers/summaries)
    summary_source: str | None

    @property
    def health_label(self) -> str:
        return health_label(self.health)


@dataclass(frozen=True)
class DecisionView:
    ref: str
    title: str
    rationale: str
    alternatives: str | None
    decided_by: str
    on: date
    status: str
    gate: str | None


@dataclass(frozen=True)
class DeliverableView:
    ref: str
    title: str
    owner_id: str | None
    owner_party: str | None
    due: date
    overdue_days: int  # 0 when not overdue


@dataclass(frozen=True)
class GateItem:
    key: str
    text: str
    done: bool
    how: Line  # who ticked it and why, what in the records proves it, or how it would tick itself


@dataclass(frozen=True)
class ProjectPage:
    row: ProjectRow
    phase_since: date
    timebox_until: date | None
    risks: tuple[RiskView, ...]  # not closed, highest score first
    closed_risks: int
    decisions: tuple[DecisionView, ...]  # newest first
    deliverables: tuple[DeliverableView, ...]  # open, soonest due first
    history: tuple[StatusView, ...]  # newest first
    gate: tuple[GateItem, ...]  # the current phase's checklist; () once closed
    gate_tally: str | None
    governance: tuple[Field, ...]
    warnings: tuple[str, ...]  # what pmbot sees drifting (handlers/lifecycle_warnings.py)
    names: Mapping[str, str]
    charts: tuple[Chart, ...] = field(default=())


def portfolio(db: Session, *, tenant_id: str, now: datetime, tz: ZoneInfo, draw: bool = True) -> Portfolio:
    """Every project of the tenant as of `now`, with dates in `tz`; with its chart when `draw`."""
    found = projects.all_of(db, tenant_id=tenant_id)
    ids = [p.id for p in found if p.id is not None]
    health = statuses.health_at(db, project_ids=ids, at=now)
    rows = [_row(lifecycle.load(db, p, now=now), health.get(p.id or 0), db, tz) for p in found]
    rows.sort(key=lambda r: (r.phase == Phase.CLOSED, ORDER.get(r.health, 2), r.key))
    running = [r for r in rows if r.phase != Phase.CLOSED]
    chart = None
    if draw and running:
        alt = "Open projects by phase and health: " + "; ".join(
            f"{r.key}, {r.phase}, {health_label(r.health).lower()}" for r in running
        )
        chart = Chart(alt, charts.portfolio(db, tenant_id, now=now))
    return Portfolio(
        tenant_id=tenant_id,
        as_of=now.astimezone(tz).date(),
        projects=tuple(rows),
        names=teams_conversations.names(db, tenant_id=tenant_id),
        chart=chart,
    )


def project_page(
    db: Session, *, tenant_id: str, key: str, now: datetime, tz: ZoneInfo, draw: bool = True
) -> ProjectPage | None:
    """The project `key` of the tenant as of `now`, with dates in `tz` and, when `draw`, its charts;
    None when the tenant has no such project."""
    project = projects.by_key(db, tenant_id=tenant_id, key=key)
    if project is None:
        return None
    facts = lifecycle.load(db, project, now=now)
    history = statuses.latest(db, project=project, limit=HISTORY)
    row = _row(facts, history[0].health if history else None, db, tz)
    states = gates.states(facts) if project.phase != Phase.CLOSED else []
    return ProjectPage(
        row=row,
        phase_since=facts.phase_started.astimezone(tz).date(),
        timebox_until=project.timebox_until,
        risks=tuple(_risk(r) for r in _open_by_score(facts.risks)),
        closed_risks=sum(r.status == RiskStatus.CLOSED for r in facts.risks),
        decisions=tuple(
            _decision(d, tz) for d in decisions.newest_first(db, project=project, limit=DECISIONS)
        ),
        deliverables=tuple(
            _deliverable(d, facts.today) for d in deliverables.open_by_due(db, project=project)
        ),
        history=tuple(_status(s, tz) for s in history),
        gate=tuple(GateItem(s.item.key, s.item.text, s.done, _how(s, tz, project.key)) for s in states),
        gate_tally=gates.tally(states) if states else None,
        governance=governance.all_fields(project, facts.governance),
        warnings=tuple(w.text for w in lifecycle_warnings.warnings(facts)),
        names=teams_conversations.names(db, tenant_id=tenant_id),
        charts=_charts(db, facts, row, tz) if draw else (),
    )


def _charts(db: Session, facts: Facts, row: ProjectRow, tz: ZoneInfo) -> tuple[Chart, ...]:
    """The project's health week by week, its risk heat map and each KPI's trend, each with words
    saying what it shows."""
    project = facts.project
    risks_text = (
        f"{row.open_risks} open risk{'s' if row.open_risks != 1 else ''} by probability and impact"
        + (f"; highest {row.top_risks[0].ref}, score {row.top_risks[0].score}" if row.top_risks else "")
    )
    found = [
        Chart(
            f"Health of {project.key} week by week; now {health_label(row.health).lower()}",
            charts.health_timeline(db, project, tz, now=facts.now),
        ),
        Chart(f"Risk heat map of {project.key}: {risks_text}", charts.risk_heatmap(db, project)),
    ]
    for kpi, view in zip(facts.kpis, row.kpis, strict=True):
        latest = "not measured yet" if view.latest is None else f"latest {view.latest:g}"
        found.append(
            Chart(
                f"{kpi.name} over time against baseline {kpi.baseline:g} and target {kpi.target:g}; {latest}",
                charts.kpi_trend(db, project, kpi),
            )
        )
    return tuple(found)


def _row(facts: Facts, health: str | None, db: Session, tz: ZoneInfo) -> ProjectRow:
    project = facts.project
    open_risks = _open_by_score(facts.risks)
    latest = facts.latest_status
    return ProjectRow(
        key=project.key,
        name=project.name,
        phase=project.phase,
        health=health,
        owner_id=project.owner_id,
        sponsor_id=project.sponsor_id,
        last_status_on=latest.created_at.astimezone(tz).date() if latest else None,
        kpis=tuple(_kpi(k, facts, tz) for k in facts.kpis),
        top_risks=tuple(_risk(r) for r in open_risks[:TOP_RISKS]),
        open_risks=len(open_risks),
        overdue=_overdue(db, project, facts.today),
    )


def _overdue(db: Session, project: Project, today: date) -> int:
    if project.id is None or project.phase == Phase.CLOSED:
        return 0
    return deliverables.overdue_counts(db, project_ids=[project.id], on=today).get(project.id, 0)


def _open_by_score(risks: Sequence[Risk]) -> list[Risk]:
    """Risks not closed, highest score first, then oldest first (as storage.risks.open_by_score)."""
    return sorted((r for r in risks if r.status != RiskStatus.CLOSED), key=lambda r: (-r.score, r.number))


def _kpi(kpi: Kpi, facts: Facts, tz: ZoneInfo) -> KpiView:
    measured = facts.measured.get(kpi.id or 0)
    latest = measured.value if measured else None
    progress = None
    if latest is not None and kpi.target != kpi.baseline:
        progress = math.floor((latest - kpi.baseline) / (kpi.target - kpi.baseline) * 100)
    return KpiView(
        name=kpi.name,
        unit=kpi.unit,
        baseline=kpi.baseline,
        target=kpi.target,
        latest=latest,
        measured_on=measured.measured_at.astimezone(tz).date() if measured else None,
        progress=progress,
    )


def _risk(risk: Risk) -> RiskView:
    return RiskView(
        ref=risk.ref,
        title=risk.title,
        score=risk.score,
        probability=risk.probability,
        impact=risk.impact,
        category=risk.category,
        owner_id=risk.owner_id,
        mitigation=risk.mitigation,
        status=risk.status,
    )


def _decision(decision: Decision, tz: ZoneInfo) -> DecisionView:
    return DecisionView(
        ref=decision.ref,
        title=decision.title,
        rationale=decision.rationale,
        alternatives=decision.alternatives,
        decided_by=decision.decided_by,
        on=decision.decided_at.astimezone(tz).date(),
        status=decision.status,
        gate=decision.gate,
    )


def _deliverable(item: Deliverable, today: date) -> DeliverableView:
    late = (today - item.due_date).days if deliverables.is_overdue(item, today) else 0
    return DeliverableView(
        ref=item.ref,
        title=item.title,
        owner_id=item.owner_user_id,
        owner_party=item.owner_party,
        due=item.due_date,
        overdue_days=late,
    )


def _status(update: StatusUpdate, tz: ZoneInfo) -> StatusView:
    summary = None
    if update.summary:
        try:
            summary = Summary.model_validate(update.summary)
        except ValidationError:  # kept by an older pmbot in another shape: the team's words still show
            log.warning("status %s has a summary that no longer reads", update.id)
    return StatusView(
        on=update.created_at.astimezone(tz).date(),
        health=update.health,
        author_id=update.author_id,
        text=update.text,
        summary=summary,
        summary_source=update.summary_source if summary else None,
    )


def _how(state: gates.State, tz: ZoneInfo, key: str) -> Line:
    """The item's line without its mark and its own words, which the page shows apart."""
    rest = gates.item_line(state, tz, key)[2:]  # after the mark and `key — text`
    if rest and isinstance(rest[0], str):
        rest = (rest[0].removeprefix(" · "), *rest[1:])
    return line(*rest)
