"""What pmbot knows of a project's place in the AI lifecycle, read in one go: its KPIs and when they were
last measured, its risks, governance record, latest status, gate decisions and the hand ticks of a
phase's checklist. The gate (handlers/gates.py) and the warnings (handlers/lifecycle_warnings.py) are
pure functions of it, so a card, a digest or a reply costs the same handful of queries.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from handlers.clock import first_zone
from storage import decisions, gates, governance, kpis, risks, statuses, tenant_settings
from storage.models import Decision, GateCheck, Governance, Kpi, KpiMeasurement, Project, Risk, StatusUpdate


@dataclass(frozen=True)
class Facts:
    project: Project
    now: datetime  # UTC
    phase: str  # the phase whose checklist `checks` holds: the project's own unless asked otherwise
    kpis: Sequence[Kpi]
    measured: Mapping[int, KpiMeasurement]  # each KPI's newest measurement, by KPI id
    risks: Sequence[Risk]  # all of them, closed ones too, by number
    governance: Governance | None
    latest_status: StatusUpdate | None
    gate_decisions: Sequence[Decision]  # newest first
    checks: Mapping[str, GateCheck]  # hand ticks of `phase`'s checklist, by item key
    templates: Mapping[str, Any]  # the tenant's own checklists, phase → items ({}: the shipped ones)

    @property
    def today(self) -> date:
        """Today in the project's timezone."""
        return self.now.astimezone(first_zone(self.project.timezone)).date()

    @property
    def phase_started(self) -> datetime:
        return self.project.phase_started_at or self.project.created_at


def load(db: Session, project: Project, *, now: datetime, phase: str | None = None) -> Facts:
    """The facts of `project` as of `now`, with the hand ticks of `phase`'s checklist (its current one)."""
    phase = phase or project.phase
    latest = statuses.latest(db, project=project, limit=1)
    return Facts(
        project=project,
        now=now,
        phase=phase,
        kpis=kpis.all_of(db, project=project),
        measured=kpis.latest_measurements(db, project=project),
        risks=risks.all_of(db, project=project),
        governance=governance.get(db, project=project),
        latest_status=latest[0] if latest else None,
        gate_decisions=decisions.gates(db, project=project),
        checks=gates.checks(db, project=project, phase=phase),
        templates=tenant_settings.gate_templates(db, tenant_id=project.tenant_id),
    )
