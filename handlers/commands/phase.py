"""The project's phase in the AI lifecycle: framing → poc → deployment → monitoring → closed."""

from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Mention, Reply, Tone, line
from handlers.values import choice
from storage import projects
from storage.vocab import Phase

ORDER = list(Phase)


@verb(
    "phase",
    usage="phase [framing|poc|deployment|monitoring|closed]",
    args=[Param("to", choice(Phase, "phase"))],
    writes=True,
)
def phase(ctx: Context, *, to: str | None = None) -> Reply:
    """Show the project's phase, or move it to another one."""
    project = ctx.project
    if to is None:
        position = ORDER.index(Phase(project.phase))
        following = ORDER[position + 1] if position + 1 < len(ORDER) else None
        hint = line(" — next: ", Code(f"phase {following}")) if following else line()
        return Reply(headline=line(f"{project.key} is in {project.phase}", *hint))
    if to == project.phase:
        raise CommandError(f"{project.key} is already in {to}.")
    before = projects.set_phase(ctx.db, project=project, phase=to, actor_id=ctx.actor, now=ctx.now)
    return Reply(
        headline=line(f"{project.key} moved from {before} to {to}"),
        tone=Tone.OK,
        fields=(Field("By", line(Mention(ctx.actor))),),
        public=True,
    )
