"""The project's phase in the AI lifecycle, framing → poc → deployment → monitoring → closed, and the
gates between them: go on, pivot within the phase, or stop, each recorded as a decision
(handlers/gate_decisions.py)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from handlers import gates, lifecycle
from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.errors import CommandError
from handlers.gate_decisions import Move, decide, following, is_backwards, phase_line
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Action, Code, Field, Reply, Section, Tone, line
from handlers.values import choice, future_date, text, text_for
from storage import projects
from storage.models import Decision, Project
from storage.vocab import Gate, Phase

UNTIL = Param("until", future_date, words=DATE_WORDS)
AT_THE_GATE = "decide at its gate; anyone can see the checklist with `phase next`"
MOVE = "move it by hand; anyone can ask for the gate decision with `phase next`"


def _open(ctx: Context) -> Project:
    """The project, refused when it is closed: a closed project has no gate."""
    project = ctx.project
    if project.phase == Phase.CLOSED:
        raise CommandError(
            f"{project.key} is closed, so it has no gate. Its owner can reopen it: "
            f'`phase <phase> because "<why>"`.'
        )
    return project


def _changes(values: Mapping[str, Any]) -> str | None:
    """What `phase` changes with these arguments: the phase, its timebox, or nothing (it shows)."""
    if values.get("to") is not None:
        return MOVE
    return "set the timebox of its phase" if values.get("until") is not None else None


@verb(
    "phase",
    usage='phase [<phase>] [until <date>] [because "<why>"]',
    args=[Param("to", choice(Phase, "phase"))],
    options=[UNTIL, Param("because", text)],
    writes=True,
    manage=Manage.PROJECT,
    doing=_changes,
)
def phase(
    ctx: Context, *, to: str | None = None, until: date | None = None, because: str | None = None
) -> Reply:
    """Show the project's phase, or move it by hand (its owner only), recorded as a gate decision.

    Phases: framing, poc, deployment, monitoring, closed. `until <date>` sets a timebox (a POC's end); `phase until <date>` sets the current phase's. Going back to an earlier phase needs `because "<why>"` and is recorded as a pivot; closing is recorded as a stop. The usual way on is the gate: `phase next`.
    """
    project = ctx.project
    if to is None:
        if because is not None:
            raise CommandError(
                '`because` goes with a move: `phase <phase> because "<why>"`.', param="because"
            )
        return _show(ctx) if until is None else _timebox(ctx, until)
    if to == project.phase:
        raise CommandError(f"{project.key} is already in {to}.")
    if to == Phase.CLOSED and until is not None:
        raise CommandError("A closed project has no timebox; leave `until` out.", param="until")
    if is_backwards(project.phase, to):
        if because is None and project.phase == Phase.CLOSED:
            raise CommandError(
                f'{project.key} is closed; to reopen it in {to}, say why: `phase {to} because "<why>"`.'
            )
        if because is None:
            raise CommandError(
                f"{to} comes before {project.phase}: going back undoes a gate, so say why with "
                f'`phase {to} because "<why>"` (recorded as a pivot). To change course within '
                f'{project.phase}: `phase next pivot "<what changes>"`.'
            )
        gate = Gate.PIVOT
    else:
        gate = Gate.STOP if to == Phase.CLOSED else Gate.GO
    return decide(ctx, Move(gate, to, note=because, until=until, by_hand=True))


def _show(ctx: Context) -> Reply:
    project = ctx.project
    if project.phase == Phase.CLOSED:
        return Reply(
            headline=line(f"{project.key} is closed"), fields=(Field("Phase", phase_line(project, ctx)),)
        )
    found = gates.states(lifecycle.load(ctx.db, project, now=ctx.now))
    return Reply(
        headline=line(f"{project.key} is in {project.phase} — next: ", Code("phase next")),
        fields=(
            Field("Phase", phase_line(project, ctx)),
            Field(f"Gate of {project.phase}", line(gates.tally(found), " — ", Code("gate"))),
        ),
    )


def _timebox(ctx: Context, until: date) -> Reply:
    project = _open(ctx)
    before = projects.set_timebox(ctx.db, project=project, until=until, actor_id=ctx.actor, now=ctx.now)
    was = f" (was {before:%a %d %b %Y})" if before else ""
    return Reply(
        headline=line(f"The {project.phase} of {project.key} is timeboxed until {until:%a %d %b %Y}{was}"),
        tone=Tone.OK,
        notes=(line("When it ends, decide at the gate: ", Code("phase next"), "."),),
    )


@verb("phase next", usage="phase next")
def phase_next(ctx: Context) -> Reply:
    """Ask for the gate decision that ends the phase: its checklist, and the three ways to decide."""
    project = _open(ctx)
    found = gates.states(lifecycle.load(ctx.db, project, now=ctx.now))
    missing = gates.gaps(found)
    after = following(project.phase)
    go = (
        line(Code('phase next go ["why"]'), f" — go on to {after}")
        if not missing
        else line(
            Code('phase next go --accept-gaps "<why>"'),
            f" — go on to {after} with {len(missing)} item{'s' if len(missing) != 1 else ''} not checked",
        )
    )
    decide_lines = (
        go,
        line(Code('phase next pivot "<what changes>"'), f" — change course and stay in {project.phase}"),
        line(Code('phase next stop "<why>"'), f" — stop: {project.key} is closed"),
    )
    return Reply(
        headline=line(f"Gate of {project.key}: {project.phase} → {after}, {gates.tally(found)}"),
        sections=(
            Section("Checklist", tuple(gates.item_line(s, ctx.tz, project.key) for s in found)),
            Section(
                "Decide",
                decide_lines,
                (((Action("Go", f"{project.key}: phase next go"),),) if not missing else ()),
            ),
        ),
    )


@verb(
    "phase next go",
    usage='phase next go ["why"] [until <date>] [--accept-gaps "<why>"]',
    args=[Param("why", text_for(Decision, "title"), greedy=True)],
    options=[UNTIL, Param("--accept-gaps", text, key="accept_gaps")],
    writes=True,
    manage=Manage.PROJECT,
    doing=AT_THE_GATE,
)
def phase_next_go(
    ctx: Context, *, why: str | None = None, until: date | None = None, accept_gaps: str | None = None
) -> Reply:
    """Go on to the next phase, recorded as a decision with the checklist and KPIs of this moment.

    Items not checked stop it unless `--accept-gaps "<why>"` says why going on is right anyway; the gaps are then written into the decision. `until <date>` sets the next phase's timebox.
    """
    project = _open(ctx)
    after = following(project.phase)
    assert after is not None
    return decide(ctx, Move(Gate.GO, after, note=why, accepted=accept_gaps, until=until))


@verb(
    "phase next pivot",
    usage='phase next pivot "<what changes>" [until <date>]',
    args=[Param("what changes", text, required=True, greedy=True, key="what")],
    options=[UNTIL],
    writes=True,
    manage=Manage.PROJECT,
    doing=AT_THE_GATE,
)
def phase_next_pivot(ctx: Context, *, what: str, until: date | None = None) -> Reply:
    """Change course and stay in the phase, recorded as a decision; `until <date>` sets a new timebox."""
    project = _open(ctx)
    return decide(ctx, Move(Gate.PIVOT, project.phase, note=what, until=until))


@verb(
    "phase next stop",
    usage='phase next stop "<why>"',
    args=[Param("why", text, required=True, greedy=True)],
    writes=True,
    manage=Manage.PROJECT,
    doing=AT_THE_GATE,
)
def phase_next_stop(ctx: Context, *, why: str) -> Reply:
    """Stop the project: it is closed, and the decision keeps why, with the checklist and KPIs of this moment."""
    _open(ctx)  # a closed project has no gate
    return decide(ctx, Move(Gate.STOP, Phase.CLOSED, note=why))
