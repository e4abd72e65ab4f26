"""What a benchmark reports: figures (what was measured) and targets (a figure against its limit)."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str = ""

    def text(self) -> str:
        number = f"{self.value:,.0f}" if abs(self.value) >= 100 else f"{self.value:,.3g}"
        return f"{number} {self.unit}".strip()


@dataclass(frozen=True)
class Target:
    name: str
    measured: float
    limit: float
    unit: str = ""  # "×" for ratios
    at_least: bool = False  # the measured value must reach the limit rather than stay under it

    @property
    def passed(self) -> bool:
        return self.measured >= self.limit if self.at_least else self.measured <= self.limit

    def text(self) -> str:
        sign = "≥" if self.at_least else "≤"
        return f"{self.measured:,.3g}{self.unit} {sign} {self.limit:,.3g}{self.unit}"


@dataclass
class Result:
    title: str
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figure(self, name: str, value: float, unit: str = "") -> None:
        self.figures.append(Figure(name, value, unit))

    def target(
        self, name: str, measured: float, limit: float, unit: str = "", *, at_least: bool = False
    ) -> None:
        self.targets.append(Target(name, measured, limit, unit, at_least))

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.targets)


def percentile(values: Sequence[float], share: float) -> float:
    """The value `share` (0–1) of the way up the sorted values (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(results: Sequence[Result]) -> str:
    """Every figure and every target with PASS or FAIL, as plain text."""
    rows: list[str] = []
    for result in results:
        rows.append(f"\n== {result.title}")
        for f in result.figures:
            rows.append(f"   {f.name:<58} {f.text()}")
        for t in result.targets:
            rows.append(f"   {'PASS' if t.passed else 'FAIL'}  {t.name:<52} {t.text()}")
        rows.extend(f"   note: {n}" for n in result.notes)
    passed = sum(t.passed for r in results for t in r.targets)
    total = sum(len(r.targets) for r in results)
    rows.append(f"\n{passed}/{total} targets PASS" + ("" if passed == total else " — some FAIL"))
    return "\n".join(rows)
