"""A phase gate's decision — go on, pivot within the phase, stop — or a move by hand, recorded as a
decision D-n with a snapshot of the checklist and the KPIs at that moment; then the project moves, and
the reply says what pmbot sees in the phase it enters and offers the retrospective of the one it left.

Going on with items of the checklist not checked is refused unless the gaps are accepted with a reason,
and the gaps are written into the decision. A move by hand is its owner's: it needs no gate, but it is
recorded as one, with the items not checked named in it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers import gates, lifecycle, lifecycle_warnings, show
from handlers.command import Context
from handlers.lifecycle import Facts
from handlers.reply import Code, Field, Line, Mention, Reply, Section, Tone, line
from storage import decisions, projects
from storage.models import Decision, Project
from storage.vocab import Gate, Phase

ORDER = list(Phase)
RETRO = ('retro well "<text>"', 'retro badly "<text>"', 'retro lesson "<text>"')


def following(phase: str) -> str | None:
    """The phase after `phase`; None after closed."""
    position = ORDER.index(Phase(phase))
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def is_backwards(start: str, to: str) -> bool:
    return ORDER.index(Phase(to)) < ORDER.index(Phase(start))


@dataclass(frozen=True)
class Move:
    gate: Gate
    to: str  # the phase after the decision: the same one for a pivot
    note: str | None = None  # why: optional for go, what changes for a pivot, why for a stop
    accepted: str | None = None  # why the gaps are accepted, going on with items not checked
    until: date | None = None  # the timebox of the phase after the decision
    by_hand: bool = False


def decide(ctx: Context, move: Move) -> Reply:
    """Record `move` as a gate decision and carry it out; a refusal (tone ERROR) when it goes on with
    gaps that were not accepted."""
    project = ctx.project
    facts = lifecycle.load(ctx.db, project, now=ctx.now)
    found = gates.states(facts)
    start = project.phase
    forward = move.to != start and not is_backwards(start, move.to) and move.gate == Gate.GO
    missing = gates.gaps(found) if forward else []
    if missing and not move.accepted and not move.by_hand:
        return _refusal(project, start, move.to, found, missing)
    title, rationale = _words(move, start, found, missing)
    decision = decisions.add(
        ctx.db,
        project=project,
        title=title,
        rationale=rationale,
        alternatives=None,
        decided_by=ctx.actor,
        now=ctx.now,
        gate=move.gate,
        snapshot=_snapshot(facts, found, move, missing),
    )
    if move.to != start:
        projects.set_phase(
            ctx.db, project=project, phase=move.to, actor_id=ctx.actor, now=ctx.now, timebox_until=move.until
        )
    elif move.until is not None:
        projects.set_timebox(ctx.db, project=project, until=move.until, actor_id=ctx.actor, now=ctx.now)
    return _recorded(ctx, decision, start)


def _refusal(
    project: Project, start: str, to: str, found: list[gates.State], missing: list[gates.State]
) -> Reply:
    return Reply(
        headline=line(
            f"{project.key} cannot go on to {to} yet: {len(missing)} of {len(found)} items of the {start} "
            "checklist are not checked."
        ),
        tone=Tone.ERROR,
        sections=(Section("Not checked", tuple(line(f"{s.item.key} — {s.item.text}") for s in missing)),),
        notes=(
            line("Tick what is done: ", Code(f'{project.key}: gate check <item> "<evidence>"'), "."),
            line(
                "Or go on and record the gaps in the decision: ",
                Code(f'{project.key}: phase next go --accept-gaps "<why>"'),
                ".",
            ),
        ),
    )


def _words(move: Move, start: str, found: list[gates.State], missing: list[gates.State]) -> tuple[str, str]:
    """The decision's title and rationale, which names the gaps it accepts."""
    to = move.to
    if move.gate == Gate.PIVOT and to == start:
        what = move.note or ""
        return f"Pivot in {start}: {_clip(what, 200)}", f"{what} (stays in {start}; {gates.tally(found)}.)"
    if move.gate == Gate.PIVOT:
        return f"Pivot back: {start} → {to}", move.note or ""
    if move.gate == Gate.STOP:
        return f"Stop in {start}", move.note or f"Closed by its owner in {start}."
    if move.by_hand:
        title = f"Moved by hand: {start} → {to}"
        why = move.note or "Moved by its owner without a gate decision."
    else:
        title = f"Go: {start} → {to}"
        why = move.note or ""
    if not missing:
        done = f"All {len(found)} items of the {start} checklist are checked."
        return title, " ".join(part for part in (_sentence(why) if why else "", done) if part)
    plural = "s" if len(missing) != 1 else ""
    title += f", with {len(missing)} gap{plural} {'accepted' if move.accepted else 'left open'}"
    accepted = f"Gaps accepted: {_sentence(move.accepted)}" if move.accepted else ""
    because = " ".join(part for part in (_sentence(why) if why else "", accepted) if part)
    gaps = " · ".join(f"{s.item.key} ({s.item.text})" for s in missing)
    return title, f"{because} Not checked: {gaps}."


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _snapshot(
    facts: Facts, found: list[gates.State], move: Move, missing: list[gates.State]
) -> dict[str, Any]:
    """What the gate looked at: the checklist item by item, the gaps accepted, and the KPIs."""
    checklist = []
    for state in found:
        check = state.check
        hand = check is not None and check.checked
        checklist.append(
            {
                "key": state.item.key,
                "text": state.item.text,
                "done": state.done,
                "how": "hand" if hand else "records" if state.proven is not None else None,
                "evidence": check.evidence if check is not None and hand else None,
                "by": check.checked_by if check is not None and hand else None,
                "at": check.checked_at.isoformat() if check is not None and hand else None,
            }
        )
    kpis = []
    for kpi in facts.kpis:
        measured = facts.measured.get(kpi.id or 0)
        kpis.append(
            {
                "name": kpi.name,
                "baseline": kpi.baseline,
                "target": kpi.target,
                "unit": kpi.unit,
                "lower_is_better": kpi.lower_is_better,
                "latest": measured.value if measured else None,
                "measured_at": measured.measured_at.isoformat() if measured else None,
            }
        )
    return {
        "phase": facts.project.phase,
        "to": move.to,
        "by_hand": move.by_hand,
        "checklist": checklist,
        "gaps": [s.item.key for s in missing],
        "gaps_accepted_because": move.accepted if missing else None,
        "kpis": kpis,
    }


def _recorded(ctx: Context, decision: Decision, start: str) -> Reply:
    """The decision, where the project now stands, what pmbot sees there, and the retrospective offer."""
    project = ctx.project
    after = lifecycle.load(ctx.db, project, now=ctx.now)
    moved = project.phase != start
    fields = [
        Field("Decision", line(f"{decision.ref} · {decision.title}")),
        Field("Because", line(decision.rationale)),
        Field("Decided by", line(Mention(decision.decided_by))),
    ]
    if project.phase != Phase.CLOSED:
        fields.append(Field("Phase", phase_line(project, ctx)))
        fields.append(
            Field(
                f"Gate of {project.phase}",
                line(gates.tally(gates.states(after)), " — ", Code(f"{project.key}: gate")),
            )
        )
    headline = (
        f"{project.key} moved from {start} to {project.phase}"
        if moved
        else f"{project.key} changes course and stays in {start}"
    )
    return Reply(
        headline=line(headline),
        tone=Tone.OK,
        fields=tuple(fields),
        sections=lifecycle_warnings.section(lifecycle_warnings.warnings(after), project.key),
        notes=(retro_offer(project.key, start),) if moved and start != Phase.CLOSED else (),
        public=True,
    )


def phase_line(project: Project, ctx: Context) -> Line:
    """`poc since Wed 18 Nov 2026, timebox until Fri 18 Dec 2026`."""
    started = (project.phase_started_at or project.created_at).astimezone(ctx.tz).date()
    timebox = f", timebox until {show.day(project.timebox_until)}" if project.timebox_until else ""
    return line(f"{project.phase} since {show.day(started)}{timebox}")


def retro_offer(project_key: str, phase: str) -> Line:
    """The offer of a retrospective of the phase just left."""
    well, badly, lesson = (Code(f"{project_key}: {c}") for c in RETRO)
    return line(
        f"How did {phase} go? Take five minutes for its retrospective: ", well, ", ", badly, ", ", lesson, "."
    )
