"""Business language on demand: a project's updates summarised, or any text explained."""

from datetime import date, datetime, time, timedelta
from functools import partial

from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.registry import Param, verb
from handlers.reply import Reply, line
from handlers.summaries import jobs
from handlers.values import any_date, text
from storage import statuses

DEFAULT_DAYS = 7


@verb("summary", usage="summary [since <date>]", options=[Param("since", any_date, words=DATE_WORDS)])
def summary(ctx: Context, *, since: date | None = None) -> Reply:
    """Summarise the project's status updates in business language (the last 7 days unless you say since when).

    Each point names the updates it comes from, so anyone can check it.
    """
    day = since or ctx.today - timedelta(days=DEFAULT_DAYS)
    start = datetime.combine(day, time.min, ctx.tz)
    found = statuses.count_since(ctx.db, project=ctx.project, start=start)
    if not found:
        return Reply(headline=line(f"{ctx.project.key} has no status updates since {day:%a %d %b %Y}."))
    ctx.later.append(
        partial(jobs.summarize_since, tenant_id=ctx.tenant_id, project_key=ctx.project.key, start=start)
    )
    return Reply(
        headline=line(
            f"Summarising {found} update{'s' if found != 1 else ''} of {ctx.project.key} since {day:%a %d %b}…"
        )
    )


@verb("explain", usage="explain <text>", args=[Param("text", text, required=True, rest=True)], project=False)
def explain(ctx: Context, *, text: str) -> Reply:
    """Put any technical text in business language; nothing is recorded."""
    ctx.later.append(partial(jobs.explain, tenant_id=ctx.tenant_id, text=text))
    return Reply(headline=line("Putting it in plain words…"))
