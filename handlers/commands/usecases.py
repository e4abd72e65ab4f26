"""Use-case intake: the tenant's portfolio backlog of proposed AI use cases, scored by several people on
value, feasibility, data readiness and risk, ranked by a documented priority (handlers/priority.py),
then qualified, rejected or promoted to a project."""

from sqlalchemy.exc import IntegrityError

from handlers import backlog, priority, show
from handlers.command import Context
from handlers.commands.projects import stays_home
from handlers.errors import CommandError
from handlers.permissions import require_usecase_decider
from handlers.priority import Scoring
from handlers.registry import Param, verb
from handlers.reply import Action, Code, Field, Reply, Section, Tone, line
from handlers.values import person, project_key, ref, text, text_for, whole_number
from storage import decisions, projects, usecases
from storage.models import Project, UseCase
from storage.vocab import Phase, Role, UseCaseStatus

USECASE = Param("U-n", ref("U"), required=True, key="number")
SCORE_HINT = "usecase score U-n value <1-5> feasibility <1-5> data <1-5> [risk <1-5>]"


def _find(ctx: Context, number: int) -> UseCase:
    found = usecases.get(ctx.db, tenant_id=ctx.tenant_id, number=number)
    if found is None:
        raise CommandError(f"There is no use case U-{number}. `usecases` lists them.")
    return found


def _scoring(ctx: Context, usecase: UseCase) -> Scoring:
    assert usecase.id is not None
    return priority.scoring(usecases.scores_of(ctx.db, usecase_ids=[usecase.id])[usecase.id])


def _require_open(usecase: UseCase, doing: str) -> None:
    if usecase.status == UseCaseStatus.PROJECT:
        raise CommandError(f"{usecase.ref} is a project already, so you cannot {doing}.")
    if usecase.status == UseCaseStatus.REJECTED:
        raise CommandError(
            f"{usecase.ref} was rejected, so you cannot {doing}; `usecase qualify {usecase.ref}` takes it back."
        )


def _change(ctx: Context, usecase: UseCase, action: str, **changes: object) -> None:
    usecases.change(ctx.db, usecase=usecase, changes=changes, action=action, actor_id=ctx.actor, now=ctx.now)


@verb(
    "usecase add",
    usage='usecase add "<title>" problem "<business problem>" [owner @user]',
    args=[Param("title", text_for(UseCase, "title"), required=True, greedy=True)],
    options=[Param("problem", text_for(UseCase, "problem"), required=True), Param("owner", person)],
    project=False,
    writes=True,
)
def usecase_add(ctx: Context, *, title: str, problem: str, owner: str | None = None) -> Reply:
    """Propose an AI use case for the portfolio backlog, with the business problem it would solve.

    Anyone can propose one; you are recorded as its proposer. `owner` names who would lead it, if not you.
    """
    usecase = usecases.add(
        ctx.db,
        tenant_id=ctx.tenant_id,
        title=title,
        problem=problem,
        proposer_id=ctx.actor,
        owner_id=owner,
        now=ctx.now,
    )
    fields = [Field("Problem", line(usecase.problem)), Field("Proposed by", line(show.who(ctx.actor)))]
    if owner:
        fields.append(Field("Owner", line(show.who(owner))))
    return Reply(
        headline=line(f"Proposed {usecase.ref}: {usecase.title}"),
        tone=Tone.OK,
        fields=tuple(fields),
        notes=(line("Ask a few people to score it: ", Code(SCORE_HINT.replace("U-n", usecase.ref))),),
        public=True,
    )


@verb(
    "usecase score",
    usage='usecase score U-n value <1-5> feasibility <1-5> data <1-5> [risk <1-5>] ["note"]',
    args=[USECASE, Param("note", text)],
    options=[
        Param("value", whole_number(1, 5, "Value"), required=True),
        Param("feasibility", whole_number(1, 5, "Feasibility"), required=True),
        Param("data", whole_number(1, 5, "Data readiness"), required=True),
        Param("risk", whole_number(1, 5, "Risk")),
    ],
    project=False,
    writes=True,
)
def usecase_score(
    ctx: Context,
    *,
    number: int,
    value: int,
    feasibility: int,
    data: int,
    risk: int | None = None,
    note: str | None = None,
) -> Reply:
    """Score a use case from 1 (poor) to 5 (good) on business value, feasibility and data readiness, and optionally its risk (1 low, 5 high).

    Data readiness has its own axis because poor data is the commonest reason AI projects fail. Several
    people may score; scoring again replaces your earlier scores. `usecases` shows the mean and the
    spread of each axis.
    """
    usecase = _find(ctx, number)
    _require_open(usecase, "score it")
    _, again = usecases.score(
        ctx.db,
        usecase=usecase,
        scorer_id=ctx.actor,
        value=value,
        feasibility=feasibility,
        data=data,
        risk=risk,
        note=note,
        now=ctx.now,
    )
    ctx.db.flush()
    scoring = _scoring(ctx, usecase)
    yours = f"value {value}, feasibility {feasibility}, data {data}" + (f", risk {risk}" if risk else "")
    return Reply(
        headline=line(
            f"{'Replaced your scores of' if again else 'Scored'} {usecase.ref} ({yours}): "
            f"now {scoring.shown()} from {scoring.scorers} score{'s' if scoring.scorers != 1 else ''}"
        ),
        tone=Tone.OK,
        fields=(Field("All scores", line(scoring.describe())),),
    )


@verb("usecases", usage="usecases", project=False)
def usecases_list(ctx: Context) -> Reply:
    """List the portfolio backlog: use cases ranked by priority, with each axis's mean and spread and their status.

    Priority = 100 × value/5 × feasibility/5 × data/5 × (1 − (risk − 1)/8), on the mean of everyone's
    scores; risk counts as 3 until scored. The axes multiply, so one weak axis (no data) sinks a use
    case; risk discounts by up to a half. Statuses: proposed, qualified, rejected, project.
    """
    found = list(usecases.all_of(ctx.db, tenant_id=ctx.tenant_id))
    if not found:
        return Reply(
            headline=line(
                "No use cases yet. Propose one: ", Code('usecase add "<title>" problem "<business problem>"')
            )
        )
    scores = backlog.scorings(ctx.db, found)
    waiting = backlog.ranked(found, scores)
    projects_by_id = {p.id: p for p in projects.all_of(ctx.db, tenant_id=ctx.tenant_id)}
    sections = []
    if waiting:
        sections.append(
            Section(
                "Backlog, highest priority first",
                tuple(backlog.backlog_line(u, s) for u, s in waiting),
                tuple(
                    (Action("Qualify", f"usecase qualify {u.ref}"),)
                    if u.status == UseCaseStatus.PROPOSED
                    else ()
                    for u, _ in waiting
                ),
            )
        )
    became = [u for u in found if u.status == UseCaseStatus.PROJECT]
    if became:
        sections.append(
            Section(
                "Became projects",
                tuple(
                    line(f"{u.ref} · {u.title} → project {_key(projects_by_id.get(u.project_id))}")
                    for u in became
                ),
            )
        )
    rejected = [u for u in found if u.status == UseCaseStatus.REJECTED]
    if rejected:
        sections.append(
            Section(
                "Rejected", tuple(line(f"{u.ref} · {u.title} — {u.rejected_reason or ''}") for u in rejected)
            )
        )
    plural = "s" if len(waiting) != 1 else ""
    return Reply(
        headline=line(f"{len(waiting)} use case{plural} in the backlog, {len(found)} in all"),
        sections=tuple(sections),
        notes=(line(f"How they rank: {priority.EXPLAINED}"), line("Score one: ", Code(SCORE_HINT))),
    )


def _key(project: Project | None) -> str:
    return project.key if project else "?"


@verb("usecase", usage="usecase U-n", args=[USECASE], project=False)
def usecase_show(ctx: Context, *, number: int) -> Reply:
    """Show a use case: its problem, proposer, status, priority, and each person's scores and notes."""
    usecase = _find(ctx, number)
    assert usecase.id is not None
    scores = usecases.scores_of(ctx.db, usecase_ids=[usecase.id])[usecase.id]
    scoring = priority.scoring(scores)
    fields = [
        Field("Problem", line(usecase.problem)),
        Field("Status", line(usecase.status)),
        Field("Proposed by", line(show.who(usecase.proposer_id))),
    ]
    if usecase.owner_id:
        fields.append(Field("Owner", line(show.who(usecase.owner_id))))
    if usecase.rejected_reason:
        fields.append(Field("Rejected because", line(usecase.rejected_reason)))
    if usecase.project_id:
        fields.append(Field("Project", line(_key(ctx.db.get(Project, usecase.project_id)))))
    fields.append(Field(scoring.shown().capitalize(), line(scoring.describe())))
    items = tuple(
        line(
            show.who(s.scorer_id),
            f" · value {s.value} · feasibility {s.feasibility} · data {s.data}",
            f" · risk {s.risk}" if s.risk is not None else "",
            f" — {s.note}" if s.note else "",
        )
        for s in scores
    )
    return Reply(
        headline=line(f"{usecase.ref}: {usecase.title}"),
        fields=tuple(fields),
        sections=(Section("Scores", items or (line("none yet: ", Code(SCORE_HINT)),)),),
    )


@verb("usecase qualify", usage="usecase qualify U-n", args=[USECASE], project=False, writes=True)
def usecase_qualify(ctx: Context, *, number: int) -> Reply:
    """Mark a use case as qualified: worth doing, waiting to become a project (its proposer, owner or a project owner)."""
    usecase = _find(ctx, number)
    if usecase.status == UseCaseStatus.QUALIFIED:
        raise CommandError(f"{usecase.ref} is qualified already.")
    if usecase.status == UseCaseStatus.PROJECT:
        raise CommandError(f"{usecase.ref} is a project already.")
    require_usecase_decider(ctx, usecase, "qualify it")
    _change(ctx, usecase, "usecase.qualify", status=UseCaseStatus.QUALIFIED, rejected_reason=None)
    return Reply(
        headline=line(f"Qualified {usecase.ref}: {usecase.title}"),
        tone=Tone.OK,
        notes=(
            line("When it is staffed, make it a project: ", Code(f"usecase promote {usecase.ref} <key>")),
        ),
        public=True,
    )


@verb(
    "usecase reject",
    usage='usecase reject U-n "<why>"',
    args=[USECASE, Param("why", text_for(UseCase, "rejected_reason"), required=True, greedy=True)],
    project=False,
    writes=True,
)
def usecase_reject(ctx: Context, *, number: int, why: str) -> Reply:
    """Reject a use case, saying why, so that the reason stays with it (its proposer, owner or a project owner)."""
    usecase = _find(ctx, number)
    if usecase.status == UseCaseStatus.REJECTED:
        raise CommandError(f"{usecase.ref} is rejected already.")
    _require_open(usecase, "reject it")
    require_usecase_decider(ctx, usecase, "reject it")
    _change(ctx, usecase, "usecase.reject", status=UseCaseStatus.REJECTED, rejected_reason=why)
    return Reply(
        headline=line(f"Rejected {usecase.ref}: {usecase.title}"),
        tone=Tone.OK,
        fields=(Field("Why", line(why)),),
        public=True,
    )


@verb(
    "usecase promote",
    usage="usecase promote U-n <project key>",
    args=[USECASE, Param("project key", project_key, required=True, key="key")],
    project=False,
    writes=True,
)
def usecase_promote(ctx: Context, *, number: int, key: str) -> Reply:
    """Make a use case a project, in framing, with its problem statement, its owner (or proposer) as owner, and a decision recorded.

    The proposer, the use case's owner or a project owner may promote it. Run here, in a channel without
    a project, this channel becomes the new project's home; elsewhere, talk to it with `<key>: <command>`.
    """
    usecase = _find(ctx, number)
    _require_open(usecase, "promote it")
    require_usecase_decider(ctx, usecase, "promote it")
    taken = projects.by_key(ctx.db, tenant_id=ctx.tenant_id, key=key)
    if taken is not None:
        raise CommandError(f"There is already a project “{key}” ({taken.name}). Pick another key.")
    here = projects.by_channel(ctx.db, tenant_id=ctx.tenant_id, channel=ctx.command.channel_id)
    owner = usecase.owner_id or usecase.proposer_id
    try:
        with ctx.db.begin_nested():
            project = projects.create(
                ctx.db,
                tenant_id=ctx.tenant_id,
                key=key,
                name=usecase.title[:200],
                owner_id=owner,
                sponsor_id=None,
                phase=Phase.FRAMING,
                home_channel=None if here else ctx.command.channel_id,
                timezone=ctx.tz.key,
                actor_id=ctx.actor,
                now=ctx.now,
                problem=usecase.problem,
            )
    except IntegrityError:
        raise CommandError(f"There is already a project “{key}”. Pick another key.") from None
    if usecase.proposer_id != owner:
        projects.add_member(
            ctx.db,
            project=project,
            user_id=usecase.proposer_id,
            role=Role.STAKEHOLDER,
            actor_id=ctx.actor,
            now=ctx.now,
        )
    scoring = _scoring(ctx, usecase)
    decision = decisions.add(
        ctx.db,
        project=project,
        title=f"Promoted use case {usecase.ref} to a project",
        rationale=f"Business problem: {usecase.problem} Backlog {scoring.shown()} ({scoring.describe()}).",
        alternatives=None,
        decided_by=ctx.actor,
        now=ctx.now,
    )
    _change_promoted(ctx, usecase, project)
    home = line("This channel is its home.") if here is None else stays_home(here, key)
    return Reply(
        headline=line(f"Promoted {usecase.ref} to project {project.key}: {project.name}"),
        tone=Tone.OK,
        fields=(
            Field("Phase", line(project.phase)),
            Field("Owner", line(show.who(project.owner_id))),
            Field("Proposed by", line(show.who(usecase.proposer_id))),
            Field("Problem", line(usecase.problem)),
            Field("Decision", line(f"{decision.ref} · {decision.title}")),
        ),
        notes=(
            home,
            line(
                "Next: define how success is measured with ",
                Code(f'{key}: kpi add "<name>" baseline <n> target <n>'),
            ),
        ),
        public=True,
    )


def _change_promoted(ctx: Context, usecase: UseCase, project: Project) -> None:
    usecases.change(
        ctx.db,
        usecase=usecase,
        changes={"status": UseCaseStatus.PROJECT, "project_id": project.id},
        action="usecase.promote",
        actor_id=ctx.actor,
        now=ctx.now,
        project=project,
    )
