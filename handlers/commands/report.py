"""The steering-committee report, in business language (handlers/report.py)."""

from dataclasses import replace
from datetime import UTC, date, datetime, time

from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.markdown import markdown
from handlers.registry import Param, verb
from handlers.reply import Attachment, Reply
from handlers.report import steering_report
from handlers.values import any_date
from storage import audit

MADE = "report.made"  # recorded each time, so that the next report knows which decisions are new


@verb(
    "report", usage="report [since <date>]", options=[Param("since", any_date, words=DATE_WORDS)], writes=True
)
def report(ctx: Context, *, since: date | None = None) -> Reply:
    """Post the steering-committee report in the channel, also as a Markdown file: phase and gate, health, KPIs against targets, top risks with their mitigations, decisions, asks of the committee.

    The decisions are those made since the last report (or since the project began), unless `since <date>` says otherwise.
    """
    project = ctx.project
    if since is not None:
        start = datetime.combine(since, time.min, ctx.tz).astimezone(UTC)
    else:
        last = audit.latest(ctx.db, project=project, action=MADE)
        start = last.at if last is not None else project.created_at
    reply = steering_report(ctx.db, project, now=ctx.now, tz=ctx.tz, since=start)
    audit.record(ctx.db, project=project, actor_id=ctx.actor, at=ctx.now, action=MADE, ref=project.key)
    filename = f"steering-report-{project.key}-{ctx.today.isoformat()}.md"
    # For the committee: posted in the channel, with the same report as a Markdown file to forward.
    return replace(reply, public=True, attachment=Attachment(filename, markdown(reply).encode()))
