"""Charts posted in the channel (handlers/charts.py): a KPI's trend, the risk heat map, the health
timeline and the portfolio. Each reply carries the PNG, and the signed address where pmbot's web server
serves the same chart (Teams cards show images by address). Nothing to draw gets a plain answer, never
an empty chart."""

import re

from handlers import chart_links, charts, show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.lifecycle_warnings import HIGH_SCORE
from handlers.registry import Param, verb
from handlers.reply import Attachment, Code, Reply, line
from handlers.values import text_for
from storage import kpis, projects, risks, statuses
from storage.models import Kpi
from storage.vocab import Phase


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "kpi"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _posted(ctx: Context, headline: str, filename: str, image: bytes, payload: dict[str, object]) -> Reply:
    url = chart_links.url(ctx.links, payload, now=ctx.now)
    return Reply(
        headline=line(headline), public=True, attachment=Attachment(f"{filename}-{ctx.today}.png", image, url)
    )


@verb("chart kpi", usage='chart kpi "<name>"', args=[Param("name", text_for(Kpi, "name"), required=True)])
def chart_kpi(ctx: Context, *, name: str) -> Reply:
    """Post a chart of a KPI's measurements over time against its baseline and target."""
    project = ctx.project
    kpi = kpis.by_name(ctx.db, project=project, name=name)
    if kpi is None:
        known = ", ".join(f"“{k.name}”" for k in kpis.all_of(ctx.db, project=project))
        listing = (
            f" Its KPIs: {known}."
            if known
            else ' Define one first: `kpi add "<name>" baseline <n> target <n>`.'
        )
        raise CommandError(f"{project.key} has no KPI “{name}”.{listing}", param="name")
    measured = kpis.history(ctx.db, kpi=kpi)
    if not measured:
        return Reply(
            headline=line(
                f"{kpi.name} has not been measured yet, so there is no trend to chart. Record a value: ",
                Code(f'kpi set "{kpi.name}" <n>'),
            )
        )
    headline = f"KPI trend of {project.key} — {show.kpi_progress(kpi, measured[-1].value)}, {_plural(len(measured), 'measurement')}"
    image = charts.kpi_trend(ctx.db, project, kpi)
    payload = chart_links.kpi(ctx.tenant_id, project, kpi)
    return _posted(ctx, headline, f"kpi-{project.key}-{_slug(kpi.name)}", image, payload)


@verb("chart risks", usage="chart risks")
def chart_risks(ctx: Context) -> Reply:
    """Post the risk heat map: each open risk's number in its cell of the 5×5 probability × impact grid."""
    project = ctx.project
    found = risks.open_by_score(ctx.db, project=project)
    if not found:
        return Reply(
            headline=line(
                f"{project.key} has no open risks, so there is no heat map to draw. Record one: ",
                Code('risk add "<title>" p=<1-5> i=<1-5>'),
            )
        )
    high = sum(r.score >= HIGH_SCORE for r in found)
    headline = f"Risk heat map of {project.key}: {_plural(len(found), 'open risk')}, {high} scored {HIGH_SCORE} or more"
    image = charts.risk_heatmap(ctx.db, project)
    return _posted(ctx, headline, f"risks-{project.key}", image, chart_links.risks(ctx.tenant_id, project))


@verb("chart health", usage="chart health")
def chart_health(ctx: Context) -> Reply:
    """Post the project's health week by week: on track, at risk or off track, from its status updates."""
    project = ctx.project
    updates = statuses.since(ctx.db, project=project, start=project.created_at)
    if not updates:
        return Reply(
            headline=line(
                f"{project.key} has no status update yet, so there is no health to chart. Post one: ",
                Code('status on-track "<what happened>"'),
            )
        )
    weeks = charts.health_weeks([(u.created_at, u.health) for u in updates], ctx.tz, until=ctx.now)
    headline = f"Health of {project.key} week by week: {show.health(updates[-1].health)} now, over {_plural(len(weeks), 'week')}"
    image = charts.health_timeline(ctx.db, project, ctx.tz, now=ctx.now)
    payload = chart_links.health(ctx.tenant_id, project, ctx.tz.key)
    return _posted(ctx, headline, f"health-{project.key}", image, payload)


@verb("chart portfolio", usage="chart portfolio", project=False)
def chart_portfolio(ctx: Context) -> Reply:
    """Post the portfolio: every open project of the workspace by phase and health."""
    open_projects = [p for p in projects.all_of(ctx.db, tenant_id=ctx.tenant_id) if p.phase != Phase.CLOSED]
    if not open_projects:
        return Reply(headline=line("There are no open projects, so there is no portfolio to chart."))
    headline = f"Portfolio: {_plural(len(open_projects), 'open project')} by phase and health"
    image = charts.portfolio(ctx.db, ctx.tenant_id, now=ctx.now)
    return _posted(ctx, headline, "portfolio", image, chart_links.portfolio(ctx.tenant_id))
