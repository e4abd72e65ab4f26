"""Projects: creating one, its card, and the tenant's portfolio."""

from sqlalchemy.exc import IntegrityError

from handlers import gates, governance, lifecycle, lifecycle_warnings, show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.gate_decisions import phase_line
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Line, Reply, Section, Tone, line
from handlers.values import choice, person, project_key, text_for
from storage import decisions, deliverables, projects, risks, statuses
from storage.models import Project
from storage.vocab import DecisionStatus, Phase


def stays_home(here: Project, key: str) -> Line:
    """Said when a project is created in a channel that is already another project's home."""
    return line(f"This channel stays the home of {here.key}; talk to {key} with ", Code(f"{key}: <command>"))


@verb(
    "project new",
    usage='project new <key> "<name>" [owner @user] [sponsor @user] [phase <phase>]',
    args=[
        Param("key", project_key, required=True),
        Param("name", text_for(Project, "name"), required=True, greedy=True),
    ],
    options=[Param("owner", person), Param("sponsor", person), Param("phase", choice(Phase, "phase"))],
    project=False,
    writes=True,
)
def project_new(
    ctx: Context,
    *,
    key: str,
    name: str,
    owner: str | None = None,
    sponsor: str | None = None,
    phase: str = Phase.FRAMING,
) -> Reply:
    """Create a project; this channel becomes its home, where its commands need no key.

    The key is short (2 to 20 letters, digits or dashes) and names the project in other channels.
    """
    taken = projects.by_key(ctx.db, tenant_id=ctx.tenant_id, key=key)
    if taken is not None:
        raise CommandError(f"There is already a project “{key}” ({taken.name}). Pick another key.")
    here = projects.by_channel(ctx.db, tenant_id=ctx.tenant_id, channel=ctx.command.channel_id)
    try:
        with ctx.db.begin_nested():
            project = projects.create(
                ctx.db,
                tenant_id=ctx.tenant_id,
                key=key,
                name=name,
                owner_id=owner or ctx.actor,
                sponsor_id=sponsor,
                phase=phase,
                home_channel=None if here else ctx.command.channel_id,
                timezone=ctx.tz.key,
                actor_id=ctx.actor,
                now=ctx.now,
            )
    except IntegrityError:
        raise CommandError(f"There is already a project “{key}”. Pick another key.") from None
    notes: tuple[Line, ...] = ()
    if here is not None:
        notes = (stays_home(here, key),)
    return Reply(
        headline=line(f"Created project {project.key}: {project.name}"),
        tone=Tone.OK,
        fields=(
            Field("Phase", line(project.phase)),
            Field("Owner", line(show.who(project.owner_id))),
            Field("Sponsor", line(show.who(project.sponsor_id) if project.sponsor_id else "not named yet")),
        ),
        notes=(
            *notes,
            line(
                "Next: define how success is measured with ", Code('kpi add "<name>" baseline <n> target <n>')
            ),
        ),
    )


def card(ctx: Context, project: Project) -> Reply:
    """The project card: where the project stands, on one screen, with what pmbot sees going wrong."""
    facts = lifecycle.load(ctx.db, project, now=ctx.now)
    latest = facts.latest_status
    kpi_lines = tuple(
        line(show.kpi_progress(k, m.value if (m := facts.measured.get(k.id or 0)) else None))
        for k in facts.kpis
    )
    top_risks = tuple(show.risk_line(r) for r in risks.open_by_score(ctx.db, project=project, limit=3))
    recent = decisions.newest_first(ctx.db, project=project, status=DecisionStatus.ACCEPTED, limit=3)
    overdue = deliverables.open_by_due(ctx.db, project=project, overdue_on=ctx.today)
    fields = [Field("Phase", phase_line(project, ctx))]
    if project.problem:
        fields.insert(0, Field("Problem", line(project.problem)))
    if project.phase != Phase.CLOSED:
        fields.append(
            Field(f"Gate of {project.phase}", line(gates.tally(gates.states(facts)), " — ", Code("gate")))
        )
    fields += [
        Field("Health", line(show.health(latest.health if latest else None))),
        Field("Owner", line(show.who(project.owner_id))),
        Field("Sponsor", line(show.who(project.sponsor_id) if project.sponsor_id else "not named yet")),
        *governance.card_fields(project, facts.governance),
    ]
    if latest:
        fields.append(
            Field(
                "Latest status",
                line(f"{latest.text} ({show.day(latest.created_at.astimezone(ctx.tz).date())})"),
            )
        )
    return Reply(
        headline=line(f"{project.name} ({project.key})"),
        fields=tuple(fields),
        sections=(
            Section(
                "Success KPIs",
                kpi_lines or (line("none yet: ", Code('kpi add "<name>" baseline <n> target <n>')),),
            ),
            Section("Top risks", top_risks or (line("no open risks"),)),
            Section(
                "Latest decisions", tuple(line(f"{d.ref} · {d.title}") for d in recent) or (line("none yet"),)
            ),
            Section(
                "Overdue deliverables",
                tuple(show.deliverable_line(d, ctx.today) for d in overdue) or (line("none"),),
            ),
            *lifecycle_warnings.section(lifecycle_warnings.warnings(facts), project.key),
        ),
    )


@verb("project", usage="project [key]", args=[Param("key", project_key)], project=False)
def project_show(ctx: Context, *, key: str | None = None) -> Reply:
    """Show a project's card: phase and gate, health, governance, KPIs against target, top risks, decisions, overdue deliverables, warnings."""
    project = projects.by_key(ctx.db, tenant_id=ctx.tenant_id, key=key) if key else ctx.project_or_none
    if project is None:
        if key:
            raise CommandError(f"There is no project “{key}”. `projects` lists them.")
        raise CommandError(
            'This channel has no project. Name one (`project <key>`) or create one: `project new <key> "<name>"`.'
        )
    return card(ctx, project)


@verb("projects", usage="projects", project=False)
def projects_list(ctx: Context) -> Reply:
    """List every project here: phase, health, open risks and overdue deliverables."""
    rows = []
    for project in projects.all_of(ctx.db, tenant_id=ctx.tenant_id):
        latest = statuses.latest(ctx.db, project=project, limit=1)
        open_risks = len(risks.open_by_score(ctx.db, project=project))
        overdue = len(deliverables.open_by_due(ctx.db, project=project, overdue_on=ctx.today))
        rows.append(
            line(
                f"{project.key} · {project.name} · {project.phase} · {show.health(latest[0].health if latest else None)}"
                f" · {open_risks} open risk{'s' if open_risks != 1 else ''} · {overdue} overdue"
            )
        )
    if not rows:
        return Reply(headline=line("No projects yet. Create one: ", Code('project new <key> "<name>"')))
    return Reply(
        headline=line(f"{len(rows)} project{'s' if len(rows) != 1 else ''}"),
        sections=(Section("", tuple(rows)),),
    )
