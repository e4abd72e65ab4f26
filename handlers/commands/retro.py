"""Retrospectives: at a phase change the team notes what went well, what did not, and lessons; `lessons`
gathers them across the workspace's projects, so that the next AI project starts wiser."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers import show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Line, Reply, Section, Tone, line
from handlers.values import choice, text_for
from storage import decisions, lessons
from storage.models import Lesson, Project
from storage.vocab import LessonKind, Phase

RETRO_WINDOW = timedelta(days=14)  # notes go to the phase just left for this long after a move
MOST_LISTED = 50
MARKS = {LessonKind.LESSON: "💡", LessonKind.WELL: "👍", LessonKind.BADLY: "👎"}
TITLES = {
    LessonKind.LESSON: "💡 Lessons for the next project",
    LessonKind.WELL: "👍 What went well",
    LessonKind.BADLY: "👎 What did not go well",
}


def retro_phase(db: Session, project: Project, now: datetime) -> str:
    """The phase a retrospective note is about: the one just left (within RETRO_WINDOW of the move, or
    whenever for a closed project), else the current one."""
    started = project.phase_started_at
    recent = started is not None and now - started <= RETRO_WINDOW
    if not (recent or project.phase == Phase.CLOSED):
        return project.phase
    for decision in decisions.gates(db, project=project):
        snapshot = decision.snapshot or {}
        if snapshot.get("to") == project.phase and snapshot.get("phase") != project.phase:
            return str(snapshot["phase"])
    return project.phase


@verb(
    "retro",
    usage='retro [well|badly|lesson "<text>"] [phase <phase>]',
    args=[
        Param("kind", choice(LessonKind, "kind of retrospective note")),
        Param("text", text_for(Lesson, "text"), greedy=True),
    ],
    options=[Param("phase", choice(Phase, "phase"))],
    writes=True,
)
def retro(
    ctx: Context, *, kind: str | None = None, text: str | None = None, phase: str | None = None
) -> Reply:
    """Note what went well, what did not, or a lesson for the next project; alone, show the project's retrospective.

    A note belongs to the phase just left when the project moved in the last 14 days, else to the current one; `phase <phase>` says which. `lessons` lists them across projects.
    """
    project = ctx.project
    if kind is None:
        if phase is not None:
            raise CommandError('Say what to note: `retro well|badly|lesson "<text>" phase <phase>`.')
        return _show(ctx, lessons.of_project(ctx.db, project=project))
    if text is None:
        raise CommandError(f'Say what to note after {kind}: `retro {kind} "<text>"`.', param="text")
    about = phase or retro_phase(ctx.db, project, ctx.now)
    lessons.add(ctx.db, project=project, phase=about, kind=kind, text=text, author_id=ctx.actor, now=ctx.now)
    return Reply(
        headline=line(
            f"Noted in the retrospective of {project.key}'s {about}: ", f"{MARKS[LessonKind(kind)]} {text}"
        ),
        tone=Tone.OK,
        notes=(line("Everyone's lessons, across projects: ", Code("lessons")),),
    )


def _show(ctx: Context, found: Sequence[Lesson]) -> Reply:
    project = ctx.project
    if not found:
        return Reply(
            headline=line(
                f"{project.key} has no retrospective notes yet. Add one: ",
                Code('retro well|badly|lesson "<text>"'),
            )
        )
    by_phase: dict[str, list[Line]] = defaultdict(list)
    for note in found:
        by_phase[note.phase].append(
            line(f"{MARKS[LessonKind(note.kind)]} {note.text} · ", show.who(note.author_id))
        )
    order = [p for p in Phase if p in by_phase]
    return Reply(
        headline=line(f"Retrospective of {project.key}"),
        sections=tuple(Section(phase, tuple(by_phase[phase])) for phase in order),
    )


@verb("lessons", usage="lessons [<phase>]", args=[Param("phase", choice(Phase, "phase"))], project=False)
def lessons_list(ctx: Context, *, phase: str | None = None) -> Reply:
    """List what retrospectives taught across the workspace's projects, newest first: lessons, then what went well and what did not."""
    found = lessons.of_tenant(ctx.db, tenant_id=ctx.tenant_id, phase=phase, limit=MOST_LISTED + 1)
    where = f" of {phase}" if phase else ""
    if not found:
        return Reply(
            headline=line(
                f"No retrospective notes{where} yet. At a phase change, note them: ",
                Code('retro lesson "<text>"'),
            )
        )
    grouped: dict[str, list[Line]] = defaultdict(list)
    for note, project in found[:MOST_LISTED]:
        day = show.day(note.created_at.astimezone(ctx.tz).date())
        grouped[note.kind].append(
            line(f"{project.key} · {note.phase} · {note.text} · ", show.who(note.author_id), f" · {day}")
        )
    more = (line(f"Only the newest {MOST_LISTED} are listed."),) if len(found) > MOST_LISTED else ()
    return Reply(
        headline=line(f"What retrospectives taught{where}, across this workspace's projects"),
        sections=tuple(
            Section(title, tuple(grouped[kind])) for kind, title in TITLES.items() if grouped[kind]
        ),
        notes=more,
    )
