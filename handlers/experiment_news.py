"""What an experiment's result means, in business language: the same deterministic sentences in the
`experiment result` reply, `experiments` and the weekly digest (in the offline summarizer's manner: the
team's own words and numbers kept, the goal named). A failed experiment comes with the one command that
records what happens next: pivot, retry or stop.
"""

from collections.abc import Sequence

from sqlmodel import Session

from handlers import show
from handlers.reply import Action, Section, line
from storage import experiments, kpis
from storage.models import AuditEvent, Experiment, Kpi, Project
from storage.vocab import ExperimentOutcome

NEXT_STEPS = ("pivot", "retry", "stop")


def met(value: float | None, target: float | None, kpi: Kpi | None) -> bool | None:
    """Whether a value meets the target, where the direction is known (the metric is a KPI)."""
    if value is None or target is None or kpi is None:
        return None
    return value <= target if kpi.lower_is_better else value >= target


def measured(experiment: Experiment, kpi: Kpi | None) -> str:
    """`accuracy came out at 0.92, meeting the target of 0.9`."""
    if experiment.value is None:
        return ""
    said = f"{experiment.metric} came out at {show.number(experiment.value)}"
    if experiment.target is None:
        return said
    target = show.number(experiment.target)
    reached = met(experiment.value, experiment.target, kpi)
    if reached is None:
        return f"{said} against a target of {target}"
    return f"{said}, {'meeting' if reached else 'missing'} the target of {target}"


def meaning(experiment: Experiment, kpi: Kpi | None) -> str:
    """One paragraph a sponsor reads: what was tried, what came out, what it means for the goal."""
    outcome = experiment.outcome
    verdict = {
        ExperimentOutcome.SUCCESS: "worked",
        ExperimentOutcome.FAIL: "did not work",
        ExperimentOutcome.INCONCLUSIVE: "was inconclusive",
    }.get(ExperimentOutcome(outcome) if outcome else ExperimentOutcome.INCONCLUSIVE, "")
    parts = [f"{experiment.ref} {verdict}: “{experiment.hypothesis}” — {measured(experiment, kpi)}."]
    if experiment.learned:
        learned = experiment.learned.rstrip()
        parts.append(f"What we learned: {learned}" + ("" if learned.endswith((".", "!", "?")) else "."))
    elif outcome == ExperimentOutcome.SUCCESS:
        parts.append("The hypothesis held: the team can build on it.")
    elif outcome == ExperimentOutcome.INCONCLUSIVE:
        parts.append("The result neither confirms nor rules out the hypothesis.")
    if kpi is not None and experiment.value is not None:
        parts.append(f"For the goal: {show.kpi_progress(kpi, experiment.value)}.")
    if outcome == ExperimentOutcome.FAIL and experiment.decision_number is None:
        parts.append("A decision is needed: pivot, retry or stop.")
    elif experiment.decision_number is not None:
        parts.append(f"Decided next: D-{experiment.decision_number}.")
    return " ".join(parts)


OUTCOME_WORDS = {
    ExperimentOutcome.SUCCESS: "succeeded",
    ExperimentOutcome.FAIL: "failed",
    ExperimentOutcome.INCONCLUSIVE: "was inconclusive",
}


def decide_actions(experiment: Experiment, project_key: str) -> tuple[Action, ...]:
    """Pivot, retry or stop at one click, for a failed experiment nobody has decided on yet."""
    if experiment.outcome != ExperimentOutcome.FAIL or experiment.decision_number is not None:
        return ()
    return tuple(
        Action(step.capitalize(), f"{project_key}: experiment decide {experiment.ref} {step}")
        for step in NEXT_STEPS
    )


def digest_section(db: Session, project: Project, events: Sequence[AuditEvent]) -> Section | None:
    """The experiments whose result was recorded in the digest's week, with what each means."""
    numbers = [int((e.after or {}).get("number", 0)) for e in events if e.action == "experiment.result"]
    numbers = list(dict.fromkeys(n for n in numbers if n))
    if not numbers:
        return None
    found = experiments.by_numbers(db, project=project, numbers=numbers)
    items, actions = [], []
    for experiment in found:
        kpi = kpis.by_name(db, project=project, name=experiment.metric)
        items.append(line(meaning(experiment, kpi)))
        actions.append(decide_actions(experiment, project.key))
    return Section("Experiments finished this week", tuple(items), tuple(actions))
