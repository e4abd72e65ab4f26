"""A person's own reminders: paused for a holiday, across all the workspace's projects, and resumed."""

from datetime import date

from handlers import show
from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Reply, Tone, line
from handlers.values import future_date
from storage import people


@verb(
    "remind off",
    usage="remind off until <date>",
    options=[Param("until", future_date, words=DATE_WORDS)],
    project=False,
    writes=True,
)
def remind_off(ctx: Context, *, until: date | None = None) -> Reply:
    """Pause the reminders pmbot sends you, in every project, until a date (a holiday); they resume that day.

    Digests in channels still go out. The date is read in your timezone.
    """
    if until is None:
        raise CommandError("Say until when, for example `remind off until next monday`.", param="until")
    if until <= ctx.today:
        raise CommandError("Pause until a later day than today.", param="until")
    people.pause_reminders(ctx.db, tenant_id=ctx.tenant_id, user_id=ctx.actor, until=until, now=ctx.now)
    return Reply(
        headline=line(f"Your reminders are paused; they resume on {show.day(until)}"),
        tone=Tone.OK,
        notes=(line(Code("remind on"), " turns them back on before that."),),
    )


@verb("remind on", usage="remind on", project=False, writes=True)
def remind_on(ctx: Context) -> Reply:
    """Turn your paused reminders back on."""
    paused = people.paused_until(ctx.db, tenant_id=ctx.tenant_id, user_id=ctx.actor)
    if paused is None or paused <= ctx.today:
        return Reply(headline=line("Your reminders are on; nothing was paused."))
    people.resume_reminders(ctx.db, tenant_id=ctx.tenant_id, user_id=ctx.actor, now=ctx.now)
    return Reply(headline=line("Your reminders are back on."), tone=Tone.OK)
