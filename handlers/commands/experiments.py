"""Experiments: a hypothesis tested against a metric (often one of the project's KPIs), its result, what
was learned, and what was decided after a failure (pivot, retry or stop)."""

from datetime import date, timedelta
from enum import StrEnum

from handlers import experiment_news, show
from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Line, Reply, Section, Tone, line
from handlers.values import choice, column_limit, future_date, number, ref, text, text_for
from storage import decisions, experiments, kpis
from storage.models import Decision, Experiment, Kpi
from storage.vocab import ExperimentOutcome

EXPERIMENT = Param("E-n", ref("E"), required=True, key="number")
RATIONALE = 300


class NextStep(StrEnum):
    """What is decided after an experiment: change the approach, run it again, or drop the idea."""

    PIVOT = "pivot"
    RETRY = "retry"
    STOP = "stop"


def _find(ctx: Context, number: int) -> Experiment:
    found = experiments.get(ctx.db, project=ctx.project, number=number)
    if found is None:
        raise CommandError(f"{ctx.project.key} has no experiment E-{number}. `experiments` lists them.")
    return found


def _kpi(ctx: Context, experiment: Experiment | str) -> Kpi | None:
    metric = experiment if isinstance(experiment, str) else experiment.metric
    return kpis.by_name(ctx.db, project=ctx.project, name=metric)


@verb(
    "experiment add",
    usage='experiment add "<hypothesis>" metric "<KPI or metric>" [target <n>] [until <date>]',
    args=[Param("hypothesis", text_for(Experiment, "hypothesis"), required=True, greedy=True)],
    options=[
        Param("metric", text_for(Experiment, "metric"), required=True),
        Param("target", number),
        Param("until", future_date, words=DATE_WORDS),
    ],
    writes=True,
)
def experiment_add(
    ctx: Context, *, hypothesis: str, metric: str, target: float | None = None, until: date | None = None
) -> Reply:
    """Record an experiment: the hypothesis, the metric that decides it, and optionally its target and end date.

    Name one of the project's KPIs as the metric and its result is also recorded as a measurement of that
    KPI, judged against the KPI's target unless you give another. Experiments past their date without a
    result appear in their author's daily reminder.
    """
    kpi = _kpi(ctx, metric)
    if kpi is not None:
        metric = kpi.name
        if target is None:
            target = kpi.target
    experiment = experiments.add(
        ctx.db,
        project=ctx.project,
        hypothesis=hypothesis,
        metric=metric,
        target=target,
        until=until,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    fields = [Field("Metric", line(metric + (f" (a KPI of {ctx.project.key})" if kpi else "")))]
    if target is not None:
        fields.append(
            Field(
                "Target", line(show.number(target) + (" (the KPI's)" if kpi and kpi.target == target else ""))
            )
        )
    if until is not None:
        fields.append(Field("Result expected by", line(show.day(until))))
    return Reply(
        headline=line(f"Recorded experiment {experiment.ref}: {experiment.hypothesis}"),
        tone=Tone.OK,
        fields=tuple(fields),
        notes=(
            line(
                "When it is done: ",
                Code(
                    f'experiment result {experiment.ref} <value> [success|fail|inconclusive] ["what we learned"]'
                ),
            ),
        ),
        public=True,
    )


@verb(
    "experiment result",
    usage='experiment result E-n <value> [success|fail|inconclusive] ["what we learned"]',
    args=[
        EXPERIMENT,
        Param("value", number, required=True),
        Param("learned", text_for(Experiment, "learned"), greedy=True),
    ],
    options=[Param(o.value, flag=True) for o in ExperimentOutcome],
    writes=True,
)
def experiment_result(
    ctx: Context,
    *,
    number: int,
    value: float,
    learned: str | None = None,
    success: bool = False,
    fail: bool = False,
    inconclusive: bool = False,
) -> Reply:
    """Record an experiment's result and what was learned; a result on a KPI also records a measurement of it.

    Without `success`, `fail` or `inconclusive`, an experiment on a KPI with a target is judged by the
    target (in the KPI's direction); others need the word.
    """
    said = [o for o, given in zip(ExperimentOutcome, (success, fail, inconclusive), strict=True) if given]
    if len(said) > 1:
        raise CommandError("Give one outcome: success, fail or inconclusive.", param="outcome")
    outcome: str | None = said[0] if said else None
    experiment = _find(ctx, number)
    if experiment.outcome is not None:
        raise CommandError(
            f"{experiment.ref} already has its result ({experiment.outcome}). To test again, record a new "
            f"experiment, or `experiment decide {experiment.ref} retry`."
        )
    kpi = _kpi(ctx, experiment)
    if outcome is None:
        reached = experiment_news.met(value, experiment.target, kpi)
        if reached is None:
            raise CommandError(
                f"Say whether {experiment.ref} worked: add success, fail or inconclusive after the value.",
                param="outcome",
            )
        outcome = ExperimentOutcome.SUCCESS if reached else ExperimentOutcome.FAIL
    experiments.record_result(
        ctx.db,
        project=ctx.project,
        experiment=experiment,
        value=value,
        outcome=outcome,
        learned=learned,
        kpi=kpi,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    fields = [Field("For sponsors", line(experiment_news.meaning(experiment, kpi)))]
    if kpi is not None:
        fields.append(
            Field("Also recorded", line(f"a measurement of the KPI {kpi.name}: {show.number(value)}"))
        )
    actions = experiment_news.decide_actions(experiment, ctx.project.key)
    sections: tuple[Section, ...] = ()
    if actions:
        sections = (
            Section(
                "Decide what next",
                (
                    line(
                        "Pivot, retry or stop: ",
                        Code(f'experiment decide {experiment.ref} <pivot|retry|stop> ["why"]'),
                    ),
                ),
                (actions,),
            ),
        )
    return Reply(
        headline=line(
            f"Recorded the result of {experiment.ref}: {outcome} — {experiment_news.measured(experiment, kpi)}"
        ),
        tone=Tone.OK,
        fields=tuple(fields),
        sections=sections,
        public=True,
    )


def _experiment_line(experiment: Experiment, today: date) -> Line:
    target = f", target {show.number(experiment.target)}" if experiment.target is not None else ""
    parts = [f"{experiment.ref} · {experiment.hypothesis} · {experiment.metric}{target}"]
    if experiment.until is not None:
        late = (today - experiment.until).days
        parts.append(
            f" · result due {show.day(experiment.until)}"
            + (f", {late} day{'s' if late != 1 else ''} past its date" if late > 0 else "")
        )
    return line(*parts, " · ", show.who(experiment.author_id))


@verb("experiments", usage="experiments")
def experiments_list(ctx: Context) -> Reply:
    """List the project's experiments: open ones with their dates, finished ones with their outcome and what it means."""
    found = experiments.all_of(ctx.db, project=ctx.project)
    if not found:
        return Reply(
            headline=line(
                f"{ctx.project.key} has no experiments yet. Record one: ",
                Code('experiment add "<hypothesis>" metric "<KPI or metric>"'),
            )
        )
    running = [e for e in found if e.outcome is None]
    done = [e for e in found if e.outcome is not None]
    sections = []
    if running:
        sections.append(Section("Open", tuple(_experiment_line(e, ctx.today) for e in running)))
    if done:
        sections.append(
            Section(
                "Finished",
                tuple(line(experiment_news.meaning(e, _kpi(ctx, e))) for e in done),
                tuple(experiment_news.decide_actions(e, ctx.project.key) for e in done),
            )
        )
    return Reply(
        headline=line(f"Experiments of {ctx.project.key}: {len(running)} open, {len(done)} finished"),
        sections=tuple(sections),
    )


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


@verb(
    "experiment decide",
    usage='experiment decide E-n <pivot|retry|stop> ["why"]',
    args=[
        EXPERIMENT,
        Param("next", choice(NextStep, "next step"), required=True, key="step"),
        Param("why", text, greedy=True),
    ],
    writes=True,
)
def experiment_decide(ctx: Context, *, number: int, step: str, why: str | None = None) -> Reply:
    """Record what happens after an experiment's result, as a decision: pivot, retry (as a new experiment) or stop.

    Stop drops the idea the experiment tested, not the project (that is `phase next stop`).
    """
    experiment = _find(ctx, number)
    if experiment.outcome is None:
        raise CommandError(f"{experiment.ref} has no result yet: record it first with `experiment result`.")
    if experiment.decision_number is not None:
        raise CommandError(
            f"D-{experiment.decision_number} already records what was decided after {experiment.ref}."
        )
    kpi = _kpi(ctx, experiment)
    said = experiment_news.OUTCOME_WORDS.get(ExperimentOutcome(experiment.outcome), experiment.outcome)
    rationale = f"{experiment.ref} {said}: {experiment_news.measured(experiment, kpi)}."
    if experiment.learned:
        rationale += f" Learned: {experiment.learned}"
    if why:
        rationale += f" {why}"
    retry: Experiment | None = None
    if step == NextStep.RETRY:
        until = None
        if experiment.until is not None:
            took = experiment.until - experiment.created_at.astimezone(ctx.tz).date()
            until = ctx.today + max(took, timedelta(days=1))
        retry = experiments.add(
            ctx.db,
            project=ctx.project,
            hypothesis=experiment.hypothesis,
            metric=experiment.metric,
            target=experiment.target,
            until=until,
            actor_id=ctx.actor,
            now=ctx.now,
        )
        title = f"Retry {experiment.ref} as {retry.ref}: {experiment.hypothesis}"
    elif step == NextStep.PIVOT:
        title = f"Pivot after {experiment.ref}: {why or experiment.hypothesis}"
    else:
        title = f"Stop after {experiment.ref}: drop “{experiment.hypothesis}”"
    decision = decisions.add(
        ctx.db,
        project=ctx.project,
        title=_clip(title, column_limit(Decision, "title")),
        rationale=_clip(rationale, 4000),
        alternatives=", ".join(s for s in NextStep if s != step),
        decided_by=ctx.actor,
        now=ctx.now,
    )
    experiments.decided(
        ctx.db,
        project=ctx.project,
        experiment=experiment,
        decision_number=decision.number,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    notes = []
    if retry is not None:
        due = f", result due {show.day(retry.until)}" if retry.until else ""
        notes.append(line(f"Recorded {retry.ref} to test it again{due}."))
    if step == NextStep.STOP:
        notes.append(line("To stop the whole project instead: ", Code('phase next stop "<why>"')))
    return Reply(
        headline=line(f"Recorded {decision.ref}: {decision.title}"),
        tone=Tone.OK,
        fields=(
            Field("Because", line(_clip(decision.rationale, RATIONALE))),
            Field("Decided by", line(show.who(ctx.actor))),
        ),
        notes=tuple(notes),
        public=True,
    )
