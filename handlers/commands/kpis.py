"""Success KPIs: how the project will know it worked, fixed with a baseline and a target."""

from handlers import show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Section, Tone, line
from handlers.values import number, text, text_for
from storage import kpis
from storage.models import Kpi

NAME = Param("name", text_for(Kpi, "name"), required=True)


def _find(ctx: Context, name: str) -> Kpi:
    found = kpis.by_name(ctx.db, project=ctx.project, name=name)
    if found is None:
        known = ", ".join(f"“{k.name}”" for k in kpis.all_of(ctx.db, project=ctx.project))
        listing = (
            f" Its KPIs: {known}."
            if known
            else ' Define one first: `kpi add "<name>" baseline <n> target <n>`.'
        )
        raise CommandError(f"{ctx.project.key} has no KPI “{name}”.{listing}")
    return found


@verb(
    "kpi add",
    usage='kpi add "<name>" baseline <n> target <n> [unit <u>] [lower-is-better]',
    args=[NAME],
    options=[
        Param("baseline", number, required=True),
        Param("target", number, required=True),
        Param("unit", text_for(Kpi, "unit")),
        Param("lower-is-better", flag=True),
    ],
    writes=True,
)
def kpi_add(
    ctx: Context,
    *,
    name: str,
    baseline: float,
    target: float,
    unit: str | None = None,
    lower_is_better: bool = False,
) -> Reply:
    """Define a success KPI: where it stands now (baseline) and where it must get to (target).

    Add `lower-is-better` for KPIs such as latency or cost, where going down is progress.
    """
    if baseline == target:
        raise CommandError(
            "The target equals the baseline, so there is nothing to improve; check the numbers.",
            param="target",
        )
    if lower_is_better and target > baseline:
        raise CommandError("With lower-is-better the target must be below the baseline.", param="target")
    if not lower_is_better and target < baseline:
        raise CommandError(
            "The target is below the baseline; add `lower-is-better` if going down is progress.",
            param="target",
        )
    if kpis.by_name(ctx.db, project=ctx.project, name=name) is not None:
        raise CommandError(
            f"{ctx.project.key} already has a KPI “{name}”; record a value with `kpi set`.", param="name"
        )
    kpi = kpis.add(
        ctx.db,
        project=ctx.project,
        name=name,
        baseline=baseline,
        target=target,
        unit=unit,
        lower_is_better=lower_is_better,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    direction = "lower is better" if kpi.lower_is_better else "higher is better"
    return Reply(
        headline=line(
            f"Recorded KPI {kpi.name}: baseline {show.number(baseline)} → target {show.number(target)}"
            f"{' ' + unit if unit else ''} ({direction})"
        ),
        tone=Tone.OK,
        notes=(line("Record measurements with ", Code(f'kpi set "{kpi.name}" <value>')),),
    )


@verb(
    "kpi set",
    usage='kpi set "<name>" <n> ["note"]',
    args=[NAME, Param("value", number, required=True), Param("note", text)],
    writes=True,
)
def kpi_set(ctx: Context, *, name: str, value: float, note: str | None = None) -> Reply:
    """Record a new measurement of a KPI, with an optional note on where it comes from."""
    kpi = _find(ctx, name)
    kpis.measure(
        ctx.db, project=ctx.project, kpi=kpi, value=value, note=note, actor_id=ctx.actor, now=ctx.now
    )
    fields = (Field("Note", line(note)),) if note else ()
    return Reply(headline=line("Recorded ", show.kpi_progress(kpi, value)), tone=Tone.OK, fields=fields)


@verb("kpis", usage="kpis")
def kpis_list(ctx: Context) -> Reply:
    """List the project's success KPIs with their progress from baseline toward target."""
    values = kpis.latest_values(ctx.db, project=ctx.project)
    items = tuple(
        line(show.kpi_progress(k, values.get(k.id or 0))) for k in kpis.all_of(ctx.db, project=ctx.project)
    )
    if not items:
        return Reply(
            headline=line(
                f"{ctx.project.key} has no success KPIs yet. Define one: ",
                Code('kpi add "<name>" baseline <n> target <n>'),
            )
        )
    return Reply(headline=line(f"Success KPIs of {ctx.project.key}"), sections=(Section("", items),))
