"""Digests on demand: see the weekly digest before it goes out, or post it now.

A digest may ask the LLM for its summary, so it is made after the reply, outside the command's
transaction (handlers/later.py), and follows the reply: to the asker only for a preview, in the channel
when posted.
"""

from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from functools import partial
from typing import Any

from handlers.command import Context
from handlers.commands.schedule import every, no_home
from handlers.digest import portfolio_digest, project_digest
from handlers.errors import CommandError
from handlers.later import Services
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Code, Line, Reply, line
from handlers.values import choice
from handlers.weekly import parse_weekly
from storage import tenant_settings
from storage.models import Project


class Scope(StrEnum):
    PORTFOLIO = "portfolio"


SCOPE = Param("portfolio", choice(Scope, "digest"), key="scope")


@verb("digest preview", usage="digest preview [portfolio]", args=[SCOPE], project=False)
def digest_preview(ctx: Context, *, scope: str | None = None) -> Reply:
    """Show yourself the digest that would go out now: the project's, or with `portfolio` the portfolio's.

    Only you see the preview. The project's digest goes out each week in its channel (`settings digest` sets when), the portfolio's in the portfolio channel (`settings portfolio-channel`).
    """
    if scope == Scope.PORTFOLIO:
        channel = tenant_settings.portfolio_channel(ctx.db, tenant_id=ctx.tenant_id)
        where = (
            line("It goes out each week in the portfolio channel.")
            if channel
            else line(
                "No portfolio channel is set: ", Code("settings portfolio-channel #channel"), " sets one."
            )
        )
        ctx.later.append(partial(_portfolio_job, tenant_id=ctx.tenant_id, preview=where))
        return Reply(headline=line("Preparing your preview of the portfolio digest…"))
    project = _the_project(ctx, "digest preview")
    assert project.id is not None
    ctx.later.append(
        partial(_project_job, tenant_id=ctx.tenant_id, project_id=project.id, preview=_when(project))
    )
    return Reply(headline=line(f"Preparing your preview of the digest of {project.key}…"))


def _posts_the_projects(values: Mapping[str, Any]) -> str | None:
    """`digest now` posts in the project's name (its owner's to do); `digest now portfolio` anyone may."""
    return None if values.get("scope") == Scope.PORTFOLIO else "post its digest"


@verb(
    "digest now",
    usage="digest now [portfolio]",
    args=[SCOPE],
    project=False,
    writes=True,
    manage=Manage.PROJECT,
    doing=_posts_the_projects,
)
def digest_now(ctx: Context, *, scope: str | None = None) -> Reply:
    """Post the digest in this channel now: the project's (its owner only), or with `portfolio` the portfolio's.

    The weekly digest still goes out at its time.
    """
    if scope == Scope.PORTFOLIO:
        ctx.later.append(partial(_portfolio_job, tenant_id=ctx.tenant_id, preview=None))
        return Reply(headline=line("Posting the portfolio digest in this channel…"))
    project = _the_project(ctx, "digest now")
    assert project.id is not None
    ctx.later.append(partial(_project_job, tenant_id=ctx.tenant_id, project_id=project.id, preview=None))
    return Reply(headline=line(f"Posting the digest of {project.key} in this channel…"))


def _the_project(ctx: Context, typed: str) -> Project:
    if ctx.project_or_none is None:
        raise CommandError(
            f"This channel has no project. Name one (`<key>: {typed}`), or ask for `{typed} portfolio`."
        )
    return ctx.project_or_none


def _when(project: Project) -> Line:
    if project.home_channel is None:
        return no_home(project)
    when = every(parse_weekly(project.digest_schedule))
    return line(f"It goes out {when} ({project.timezone}) in the project's channel.")


def _as_preview(reply: Reply, where: Line) -> Reply:
    return replace(reply, public=False, notes=(*reply.notes, line("Only you see this preview. ", *where)))


def _project_job(services: Services, *, tenant_id: str, project_id: int, preview: Line | None) -> Reply:
    digest = project_digest(services, tenant_id=tenant_id, project_id=project_id, now=services.clock())
    return digest.reply if preview is None else _as_preview(digest.reply, preview)


def _portfolio_job(services: Services, *, tenant_id: str, preview: Line | None) -> Reply:
    reply = portfolio_digest(services, tenant_id=tenant_id, now=services.clock())
    return reply if preview is None else _as_preview(reply, preview)
