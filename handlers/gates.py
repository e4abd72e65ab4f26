"""Phase gates: each phase's exit checklist, and which of its items are done.

The checklists ship in handlers/data/gates.toml; a tenant's own list for a phase replaces the shipped one
(`gate template …`). An item is done when the project's own records prove it (its `proof`: a KPI with a
baseline and a target exists, a privacy or bias risk is recorded, the AI Act class is set, a sponsor is
named, …) or when someone ticked it by hand, which records who, when and the evidence.
"""

import functools
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers import show
from handlers.lifecycle import Facts
from handlers.reply import Code, Line, Mention, line
from storage.models import GateCheck
from storage.vocab import AiActClass, Phase, RiskCategory

SHIPPED = Path(__file__).parent / "data" / "gates.toml"
PHASES = (Phase.FRAMING, Phase.POC, Phase.DEPLOYMENT, Phase.MONITORING)  # closed has no gate
KEY = re.compile(r"[a-z][a-z0-9-]{0,39}")
MONTH = timedelta(days=31)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    proof: str | None = None  # a key of PROOFS: what in the project's records ticks it

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "text": self.text} | ({"proof": self.proof} if self.proof else {})


@dataclass(frozen=True)
class Proof:
    """How an item ticks itself: `shows` returns what in the records proves it, or None."""

    when: str  # completes “ticks itself when …”
    fix: str  # the command that records what proves it
    shows: Callable[[Facts], Line | None]


def _sponsor(facts: Facts) -> Line | None:
    sponsor = facts.project.sponsor_id
    return line("sponsor ", Mention(sponsor)) if sponsor else None


def _kpi(facts: Facts) -> Line | None:
    if not facts.kpis:
        return None
    return line(
        "; ".join(f"{k.name}: {show.number(k.baseline)} → {show.number(k.target)}" for k in facts.kpis[:3])
        + (f"; and {len(facts.kpis) - 3} more" if len(facts.kpis) > 3 else "")
    )


def _privacy_or_bias(facts: Facts) -> Line | None:
    found = [r for r in facts.risks if r.category in (RiskCategory.PRIVACY, RiskCategory.BIAS)]
    return line(", ".join(f"{r.ref} ({r.category})" for r in found)) if found else None


def _ai_act(facts: Facts) -> Line | None:
    value = facts.project.ai_act_class
    return line(f"class {value}") if value != AiActClass.UNASSESSED else None


def _timebox(facts: Facts) -> Line | None:
    until = facts.project.timebox_until
    return line(f"until {show.day(until)}") if until and facts.phase == facts.project.phase else None


def _model_doc(facts: Facts) -> Line | None:
    link = facts.governance.model_doc_link if facts.governance else None
    return line(link) if link else None


def _review_cadence(facts: Facts) -> Line | None:
    cadence = facts.project.review_cadence
    return line(f"reviews {cadence}") if cadence.strip().lower() != "off" else None


def _kpi_monthly(facts: Facts) -> Line | None:
    if not facts.kpis:
        return None
    recent = [
        k for k in facts.kpis if (m := facts.measured.get(k.id or 0)) and facts.now - m.measured_at <= MONTH
    ]
    return line("every KPI measured in the last 31 days") if len(recent) == len(facts.kpis) else None


PROOFS: dict[str, Proof] = {
    "sponsor": Proof("a sponsor is named", "governance set sponsor @user", _sponsor),
    "kpi": Proof(
        "a KPI with a baseline and a target is defined", 'kpi add "<name>" baseline <n> target <n>', _kpi
    ),
    "privacy-or-bias-risk": Proof(
        "a privacy or bias risk is recorded", 'risk add "<title>" category privacy', _privacy_or_bias
    ),
    "ai-act-class": Proof("the EU AI Act class is set", 'governance set ai-act <class> "<why>"', _ai_act),
    "timebox": Proof("the phase has a timebox", "phase until <date>", _timebox),
    "model-doc": Proof("the model documentation is linked", "governance set model-doc <link>", _model_doc),
    "review-cadence": Proof("status reviews are scheduled", "settings review <day> <hh:mm>", _review_cadence),
    "kpi-monthly": Proof("every KPI was measured in the last 31 days", 'kpi set "<name>" <n>', _kpi_monthly),
}


def items_from_json(data: Any, where: str = "the checklist") -> tuple[Item, ...]:
    """Checklist items from their stored or shipped form; ValueError naming what is wrong."""
    if not isinstance(data, list):
        raise ValueError(f"{where}: a checklist is a list of items")
    items = []
    for entry in data:
        if not isinstance(entry, dict) or set(entry) - {"key", "text", "proof"}:
            raise ValueError(f"{where}: an item has a key, a text and maybe a proof: {entry!r}")
        key, text, proof = entry.get("key"), entry.get("text"), entry.get("proof")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise ValueError(f"{where}: {key!r} is not an item key")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: item {key} has no text")
        if proof is not None and proof not in PROOFS:
            raise ValueError(f"{where}: item {key} has an unknown proof {proof!r}")
        items.append(Item(key, text, proof))
    keys = [item.key for item in items]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{where}: an item key is given twice")
    return tuple(items)


def load_checklists(path: Path) -> dict[str, tuple[Item, ...]]:
    """Read a TOML file of `[[<phase>]]` items; ValueError on anything but the phases with a gate."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    unknown = set(data) - set(PHASES)
    if unknown:
        raise ValueError(f"{path}: {', '.join(sorted(unknown))} is not a phase with a gate")
    return {phase: items_from_json(data.get(phase, []), f"{path} [{phase}]") for phase in PHASES}


@functools.cache
def shipped() -> dict[str, tuple[Item, ...]]:
    """The checklists shipped with pmbot, read once."""
    return load_checklists(SHIPPED)


def checklist(templates: Mapping[str, Any], phase: str) -> tuple[Item, ...]:
    """The phase's checklist: the tenant's own if it has one (`templates`), else the shipped one."""
    own = templates.get(phase)
    return items_from_json(own, phase) if own is not None else shipped().get(phase, ())


@dataclass(frozen=True)
class State:
    """An item of a checklist and how it stands."""

    item: Item
    proven: Line | None  # what in the project's records ticks it
    check: GateCheck | None  # ticked or unticked by hand

    @property
    def done(self) -> bool:
        return self.proven is not None or (self.check is not None and self.check.checked)


def states(facts: Facts) -> list[State]:
    """Each item of the checklist of `facts.phase`, in order, and whether it is done."""
    found = []
    for item in checklist(facts.templates, facts.phase):
        proof = PROOFS.get(item.proof) if item.proof else None
        found.append(State(item, proof.shows(facts) if proof else None, facts.checks.get(item.key)))
    return found


def gaps(found: Sequence[State]) -> list[State]:
    return [state for state in found if not state.done]


def item_line(state: State, tz: ZoneInfo, project_key: str) -> Line:
    """`✓ kpis — Success KPIs defined … · by the records: Recall: 0.5 → 0.8`, or how to tick it."""
    item = state.item
    head = line("✓ " if state.done else "☐ ", f"{item.key} — {item.text}")
    check = state.check
    if check is not None and check.checked:
        evidence = f": “{check.evidence}”" if check.evidence else ""
        return line(*head, " · ", Mention(check.checked_by), f", {_when(check, tz)}{evidence}")
    if state.proven is not None:
        return line(*head, " · by the records: ", *state.proven)
    proof = PROOFS.get(item.proof) if item.proof else None
    if proof is not None:
        return line(*head, f" · ticks itself when {proof.when} (", Code(f"{project_key}: {proof.fix}"), ")")
    return line(*head)


def _when(check: GateCheck, tz: ZoneInfo) -> str:
    return show.day(check.checked_at.astimezone(tz).date())


def tally(found: Sequence[State]) -> str:
    """`3 of 7 items checked`."""
    done = sum(state.done for state in found)
    return f"{done} of {len(found)} item{'s' if len(found) != 1 else ''} checked"
