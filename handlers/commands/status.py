"""Status updates: the project's health and what happened, in the team's words."""

from functools import partial

from handlers import show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Section, Tone, line
from handlers.summaries import jobs
from handlers.summaries.model import Summary
from handlers.values import choice, text
from storage import projects, statuses
from storage.vocab import Health, Role

HEALTH_ALIASES = {
    "green": Health.ON_TRACK,
    "amber": Health.AT_RISK,
    "yellow": Health.AT_RISK,
    "red": Health.OFF_TRACK,
    "ontrack": Health.ON_TRACK,
    "atrisk": Health.AT_RISK,
    "offtrack": Health.OFF_TRACK,
}
TREND = 6


@verb(
    "status",
    usage="status [<on-track|at-risk|off-track> <what happened>]",
    args=[
        Param("health", choice(Health, "health", HEALTH_ALIASES)),
        Param("what happened", text, rest=True, key="what"),
    ],
    writes=True,
)
def status(ctx: Context, *, health: str | None = None, what: str | None = None) -> Reply:
    """Post a status update, or with nothing after it show the latest one and the health trend.

    Health is on-track, at-risk or off-track (green, amber and red work too).
    """
    if health is None:
        return _latest(ctx)
    if what is None:
        raise CommandError("Say what happened after the health.", param="what happened")
    update = statuses.add(
        ctx.db,
        project=ctx.project,
        health=health,
        text=what,
        author_id=ctx.actor,
        request_id=ctx.command.request_id,
        now=ctx.now,
    )
    projects.add_member(
        ctx.db, project=ctx.project, user_id=ctx.actor, role=Role.MEMBER, actor_id=ctx.actor, now=ctx.now
    )
    assert update.id is not None
    ctx.later.append(partial(jobs.summarize_status, tenant_id=ctx.tenant_id, status_id=update.id))
    return Reply(
        headline=line(f"Status of {ctx.project.key} recorded: {show.health(update.health)}"),
        tone=Tone.OK,
        fields=(Field("Update", line(update.text)), Field("By", line(show.who(update.author_id)))),
        public=True,
    )


def _latest(ctx: Context) -> Reply:
    recent = statuses.latest(ctx.db, project=ctx.project, limit=TREND)
    if not recent:
        return Reply(
            headline=line(
                f"{ctx.project.key} has no status yet. Post one: ", Code('status on-track "<what happened>"')
            )
        )
    newest = recent[0]
    trend = " → ".join(show.health(u.health) for u in reversed(recent))
    fields = [
        Field("Latest", line(newest.text)),
        Field(
            "By",
            line(show.who(newest.author_id), f" on {show.day(newest.created_at.astimezone(ctx.tz).date())}"),
        ),
    ]
    if newest.summary:
        fields.append(Field("For sponsors", line(Summary.model_validate(newest.summary).headline)))
    return Reply(
        headline=line(f"{ctx.project.key} is {show.health(newest.health)}"),
        fields=tuple(fields),
        sections=(Section(_last(len(recent)), (line(trend),)),),
    )


def _last(n: int) -> str:
    return "Health at the last update" if n == 1 else f"Health over the last {n} updates"
