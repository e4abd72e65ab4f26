"""How records read in replies: the small phrases several commands share."""

import math
from datetime import date

from handlers.reply import Action, Inline, Line, Mention, line
from storage.models import Deliverable, Kpi, Risk
from storage.vocab import Health

HEALTH_WORDS = {
    Health.ON_TRACK: "🟢 on track",
    Health.AT_RISK: "🟠 at risk",
    Health.OFF_TRACK: "🔴 off track",
}


def health(value: str | None) -> str:
    return HEALTH_WORDS.get(Health(value), value) if value else "no status yet"


def day(value: date) -> str:
    return f"{value:%a %d %b %Y}"


def who(user_id: str | None) -> Inline:
    return Mention(user_id) if user_id else "no owner"


def risk_line(risk: Risk, *, owner: bool = True) -> Line:
    """`R-1 · score 12 (p4×i3) · title · @owner · status`; without the owner where it goes without saying."""
    return line(
        f"{risk.ref} · score {risk.score} (p{risk.probability}×i{risk.impact}) · {risk.title}",
        *((" · ", who(risk.owner_id)) if owner else ()),
        f" · {risk.status}" if risk.status != "open" else "",
    )


def deliverable_owner(item: Deliverable) -> Inline:
    return Mention(item.owner_user_id) if item.owner_user_id else f"“{item.owner_party}”"


def deliverable_line(item: Deliverable, today: date, *, owner: bool = True) -> Line:
    """`A-1 · title · @owner · due …, n days overdue`; without the owner where it goes without saying."""
    late = (today - item.due_date).days
    when = f"due {day(item.due_date)}" + (
        f", {late} day{'s' if late != 1 else ''} overdue" if late > 0 else ""
    )
    if item.status != "open":
        when = item.status
    elif item.snoozed_until and item.snoozed_until > today:
        when += f", snoozed until {day(item.snoozed_until)}"
    return line(
        f"{item.ref} · {item.title}",
        *((" · ", deliverable_owner(item)) if owner else ()),
        f" · {when}",
    )


def deliverable_actions(item: Deliverable, project_key: str) -> tuple[Action, ...]:
    """Done and snooze at one click, for an open deliverable in a list or a reminder."""
    command = f"{project_key}: deliverable"
    return (
        Action("Done", f"{command} done {item.ref}"),
        Action("Snooze 1 day", f"{command} snooze {item.ref} tomorrow"),
        Action("Snooze 1 week", f"{command} snooze {item.ref} in 1 week"),
    )


def number(value: float) -> str:
    return f"{value:g}"


def kpi_progress(kpi: Kpi, latest: float | None) -> str:
    """`F1: 0.74 (baseline 0.7 → target 0.8, 40% of the way)`; progress can pass 100% or go below 0."""
    unit = f" {kpi.unit}" if kpi.unit else ""
    span = f"baseline {number(kpi.baseline)} → target {number(kpi.target)}{unit}"
    if latest is None:
        return f"{kpi.name}: not measured yet ({span})"
    progress = (latest - kpi.baseline) / (kpi.target - kpi.baseline) * 100
    reached = " — target reached" if progress >= 100 else ""
    # Rounded down, so that 99.6% never reads as 100% without the target being reached.
    return f"{kpi.name}: {number(latest)}{unit} ({span}, {math.floor(progress)}% of the way{reached})"
