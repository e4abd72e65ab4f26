"""The web dashboard: a private, expiring link to it, sent to the person by direct message."""

from handlers import show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, line
from handlers.values import project_key
from storage import audit, projects


@verb(
    "dashboard",
    usage="dashboard [<project key>]",
    args=[Param("project key", project_key, key="key")],
    project=False,
    writes=True,
)
def dashboard(ctx: Context, *, key: str | None = None) -> Reply:
    """Get a private link to the read-only web dashboard, by direct message.

    The dashboard shows every project (phase, health, KPI progress, top risks) and a page per project,
    for sponsors who do not live in chat. Name a project to open its page. Anyone holding the link can
    read it until it expires, so it is sent to you alone: treat it like a password.
    """
    if ctx.links is None:
        raise CommandError("The dashboard is not available here.")
    if key is not None and projects.by_key(ctx.db, tenant_id=ctx.tenant_id, key=key) is None:
        raise CommandError(f"There is no project “{key}”. `projects` lists them.", param="project key")
    payload = {"page": "dashboard", "tenant": ctx.tenant_id, "tz": ctx.tz.key}
    url = ctx.links.url("/dashboard", payload, now=ctx.now) + (f"/{key}" if key else "")
    until = (ctx.now + ctx.links.ttl).astimezone(ctx.tz)
    audit.record(
        ctx.db,
        project=None,
        tenant_id=ctx.tenant_id,
        actor_id=ctx.actor,
        at=ctx.now,
        action="dashboard.link",
        ref=key,
        after={"until": until.isoformat()},
    )
    return Reply(
        headline=line(
            f"Your link to the dashboard{f' of {key}' if key else ''}, valid until {show.day(until.date())}"
        ),
        fields=(Field("Link", line(url)),),
        notes=(
            line(
                "Anyone holding this link can read every project here until it expires: treat it like a "
                "password and do not post it in a channel."
            ),
            line("Type ", Code("dashboard"), " again when you need a new one."),
        ),
        direct=True,
    )
