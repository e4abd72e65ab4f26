"""How the portfolio backlog ranks use cases: each axis's mean over the people who scored, and one
priority from 0 to 100.

    priority = 100 × value/5 × feasibility/5 × data/5 × (1 − (risk − 1)/8)

Each axis is the mean of everyone's scores, 1 (poor) to 5 (good); risk runs the other way, 1 (low) to
5 (high), and counts as 3 (medium) while nobody has scored it. The axes multiply rather than add, so
that a use case weak on any one axis ranks low: great value does not make up for data that is not
there (the commonest reason AI projects fail), nor for something that cannot be built. Risk only
discounts, by up to a half at 5, because a risk can be mitigated where missing value or data cannot.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import UseCaseScore

FORMULA = "priority = 100 × value/5 × feasibility/5 × data/5 × (1 − (risk − 1)/8)"
EXPLAINED = (
    f"{FORMULA}, on the mean of everyone's scores (1–5; risk 1 is low and counts as 3 until scored). "
    "The axes multiply, so one weak axis (no data) sinks a use case; risk discounts by up to a half."
)
UNSCORED_RISK = 3.0


@dataclass(frozen=True)
class Axis:
    """One axis over the people who scored it: its mean and its spread (lowest and highest score)."""

    name: str
    mean: float
    low: int
    high: int

    def __str__(self) -> str:
        spread = f" ({self.low}–{self.high})" if self.low != self.high else ""
        return f"{self.name} {self.mean:.1f}{spread}"


@dataclass(frozen=True)
class Scoring:
    scorers: int
    axes: tuple[Axis, ...]  # value, feasibility, data, and risk once someone scored it
    priority: float | None  # None until someone scored

    def describe(self) -> str:
        """`value 4.3 (4–5) · feasibility 3.7 (3–4) · data 3.0 (2–4) · risk 2.0 (1–3) · 3 scores`."""
        if not self.scorers:
            return "not scored yet"
        plural = "s" if self.scorers != 1 else ""
        return " · ".join([*(str(a) for a in self.axes), f"{self.scorers} score{plural}"])

    def shown(self) -> str:
        return "not scored" if self.priority is None else f"priority {self.priority:.0f}"


def _axis(name: str, values: Sequence[int]) -> Axis:
    return Axis(name, statistics.fmean(values), min(values), max(values))


def scoring(scores: Sequence[UseCaseScore]) -> Scoring:
    if not scores:
        return Scoring(0, (), None)
    value = _axis("value", [s.value for s in scores])
    feasibility = _axis("feasibility", [s.feasibility for s in scores])
    data = _axis("data", [s.data for s in scores])
    risks = [s.risk for s in scores if s.risk is not None]
    risk = _axis("risk", risks) if risks else None
    axes = (value, feasibility, data, *((risk,) if risk else ()))
    return Scoring(
        len(scores), axes, priority(value.mean, feasibility.mean, data.mean, risk.mean if risk else None)
    )


def priority(value: float, feasibility: float, data: float, risk: float | None) -> float:
    """The formula above, from the axes' means."""
    discount = 1 - ((UNSCORED_RISK if risk is None else risk) - 1) / 8
    return 100 * (value / 5) * (feasibility / 5) * (data / 5) * discount
