"""The assistant speaks up: what in a project's record shows it drifting toward the classic failures of
AI projects, each with the command that fixes it. Pure functions of the facts (handlers/lifecycle.py).

- In POC without a success KPI (a baseline and a target).
- A KPI not measured for KPI_STALE_WEEKS weeks (in POC and after; counted from the phase's start at most).
- In deployment or monitoring with no status for REVIEW_CYCLES review cycles.
- EU AI Act class high with no regulatory or privacy risk recorded; or still unassessed after framing.
- A risk scored HIGH_SCORE or more, not closed, with no owner or no mitigation.
- A POC past its timebox with no gate decision since.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers import show
from handlers.clock import first_zone
from handlers.errors import CommandError
from handlers.lifecycle import Facts
from handlers.reply import Code, Line, Section, line
from handlers.weekly import parse_weekly
from storage.models import Project, Risk
from storage.vocab import AiActClass, Phase, RiskCategory, RiskStatus

KPI_STALE_WEEKS = 4  # a KPI not measured for this long is called out (to become a setting)
REVIEW_CYCLES = 2  # reviews that may pass without a status, in deployment and monitoring
HIGH_SCORE = 15  # a risk scored this or more needs an owner and a mitigation
TITLE = "pmbot speaks up"
_MEASURED_PHASES = (Phase.POC, Phase.DEPLOYMENT, Phase.MONITORING)
_RUNNING_PHASES = (Phase.DEPLOYMENT, Phase.MONITORING)


@dataclass(frozen=True)
class Alert:
    about: str  # what it concerns: "kpis", "kpi:Recall", "status", "ai-act", "risk:R-2", "timebox"
    text: str
    fix: str  # the command that fixes it, without the project key

    def as_line(self, project_key: str) -> Line:
        return line(f"⚠ {self.text} — ", Code(f"{project_key}: {self.fix}"))


def warnings(facts: Facts) -> list[Alert]:
    """Everything pmbot would say about the project now; nothing for a closed one."""
    if facts.project.phase == Phase.CLOSED:
        return []
    found = [*_kpis(facts), *_silence(facts), *_ai_act(facts), *_timebox(facts)]
    found += [w for risk in facts.risks if (w := risk_warning(risk)) is not None]
    return found


def section(found: Sequence[Alert], project_key: str) -> tuple[Section, ...]:
    """The warnings as a reply's section; none when there is nothing to say."""
    return (Section(TITLE, tuple(w.as_line(project_key) for w in found)),) if found else ()


def risk_warning(risk: Risk) -> Alert | None:
    """A risk scored HIGH_SCORE or more, not closed, with no owner or no mitigation."""
    if risk.status == RiskStatus.CLOSED or risk.score < HIGH_SCORE:
        return None
    missing = [
        (what, fix)
        for what, absent, fix in (
            ("no owner", risk.owner_id is None, "owner @user"),
            ("no mitigation", not risk.mitigation, 'mitigation "<text>"'),
        )
        if absent
    ]
    if not missing:
        return None
    return Alert(
        f"risk:{risk.ref}",
        f"{risk.ref} ({risk.title}) is scored {risk.score} and has {' and '.join(w for w, _ in missing)}",
        f"risk update {risk.ref} {' '.join(fix for _, fix in missing)}",
    )


def _kpis(facts: Facts) -> list[Alert]:
    phase = facts.project.phase
    if phase == Phase.POC and not facts.kpis:
        return [
            Alert(
                "kpis",
                "In POC without a success KPI: nobody can tell whether the POC worked",
                'kpi add "<name>" baseline <n> target <n>',
            )
        ]
    if phase not in _MEASURED_PHASES:
        return []
    stale = []
    for kpi in facts.kpis:
        measurement = facts.measured.get(kpi.id or 0)
        last = measurement.measured_at if measurement else kpi.created_at
        if facts.now - max(last, facts.phase_started) < timedelta(weeks=KPI_STALE_WEEKS):
            continue
        weeks = (facts.now - last) // timedelta(weeks=1)
        since = f"was last measured {weeks} weeks ago" if measurement else f"was defined {weeks} weeks ago"
        text = f"{kpi.name} {since}" + ("" if measurement else " and never measured")
        stale.append(Alert(f"kpi:{kpi.name}", text, f'kpi set "{kpi.name}" <n>'))
    return stale


def _silence(facts: Facts) -> list[Alert]:
    """No status for REVIEW_CYCLES reviews, in deployment or monitoring (counted from the phase's start)."""
    project = facts.project
    if project.phase not in _RUNNING_PHASES:
        return []
    last = facts.latest_status.created_at if facts.latest_status else None
    quiet_since = max(last or facts.phase_started, facts.phase_started)
    oldest_review = _reviews_ago(project, facts.now, REVIEW_CYCLES)
    if quiet_since >= oldest_review:
        return []
    since = f"since {show.day(last.astimezone(first_zone(project.timezone)).date())}" if last else "yet"
    return [
        Alert(
            "status",
            f"No status {since}: {REVIEW_CYCLES} reviews passed in {project.phase} without one",
            "status <on-track|at-risk|off-track> <what happened>",
        )
    ]


def _reviews_ago(project: Project, now: datetime, cycles: int) -> datetime:
    """When the review `cycles` reviews back fell due; weekly from now when reviews are off."""
    try:
        schedule = parse_weekly(project.review_cadence)
    except CommandError:  # off, or unreadable: a week per cycle
        return now - timedelta(weeks=cycles)
    zone = first_zone(project.timezone)
    due = now
    for _ in range(cycles):
        due = schedule.last(due - timedelta(microseconds=1), zone)
    return due


def _ai_act(facts: Facts) -> list[Alert]:
    project = facts.project
    if project.ai_act_class == AiActClass.HIGH and not any(
        r.category in (RiskCategory.REGULATORY, RiskCategory.PRIVACY) for r in facts.risks
    ):
        return [
            Alert(
                "ai-act",
                "EU AI Act class high, but no regulatory or privacy risk is recorded",
                'risk add "<title>" category regulatory',
            )
        ]
    if project.ai_act_class == AiActClass.UNASSESSED and project.phase != Phase.FRAMING:
        return [
            Alert(
                "ai-act",
                f"In {project.phase} and the EU AI Act class is still unassessed",
                'governance set ai-act <minimal|limited|high|unacceptable> "<why>"',
            )
        ]
    return []


def _timebox(facts: Facts) -> list[Alert]:
    project = facts.project
    until = project.timebox_until
    if project.phase != Phase.POC or until is None or facts.today <= until:
        return []
    zone = first_zone(project.timezone)
    decided = [
        d
        for d in facts.gate_decisions
        if d.decided_at >= facts.phase_started and d.decided_at.astimezone(zone).date() >= until
    ]
    if decided:
        return []
    return [
        Alert(
            "timebox",
            f"The POC's timebox ended on {show.day(until)} and no gate decision was made",
            "phase next",
        )
    ]
