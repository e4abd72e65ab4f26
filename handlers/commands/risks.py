"""Risks: the register of what could go wrong, scored by probability × impact."""

from collections.abc import Mapping
from datetime import date

from handlers import lifecycle_warnings, show
from handlers.command import Context
from handlers.dates import DATE_WORDS
from handlers.errors import CommandError
from handlers.permissions import require_item_owner
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Section, Tone, line
from handlers.values import choice, future_date, person, ref, text, text_for, whole_number
from storage import audit, risks
from storage.models import Risk
from storage.vocab import RiskCategory, RiskStatus

PROBABILITY = Param("p", whole_number(1, 5, "Probability (p)"))
IMPACT = Param("i", whole_number(1, 5, "Impact (i)"))
OWNER = Param("owner", person)
CATEGORY = Param("category", choice(RiskCategory, "risk category"))
MITIGATION = Param("mitigation", text)
REVIEW = Param("review", future_date, words=DATE_WORDS)
RISK = Param("R-n", ref("R"), required=True, key="number")


def _find(ctx: Context, number: int, doing: str) -> Risk:
    """The risk R-`number`, if the person typing may `doing` it (handlers/permissions.py)."""
    found = risks.get(ctx.db, project=ctx.project, number=number)
    if found is None:
        raise CommandError(f"{ctx.project.key} has no risk R-{number}. `risks` lists the open ones.")
    recorded_by = (
        audit.recorder(ctx.db, project=ctx.project, ref=found.ref) if found.owner_id is None else None
    )
    require_item_owner(
        ctx,
        ctx.project,
        ref=found.ref,
        owner_id=found.owner_id,
        recorded_by=recorded_by,
        doing=f"{doing} {found.ref}",
    )
    return found


def _change(ctx: Context, risk: Risk, action: str, changes: Mapping[str, object]) -> None:
    audit.change(
        ctx.db, project=ctx.project, row=risk, changes=changes, action=action, actor_id=ctx.actor, now=ctx.now
    )


def _details(risk: Risk) -> tuple[Field, ...]:
    fields = [Field("Owner", line(show.who(risk.owner_id))), Field("Status", line(risk.status))]
    if risk.category:
        fields.append(Field("Category", line(risk.category)))
    if risk.mitigation:
        fields.append(Field("Mitigation", line(risk.mitigation)))
    if risk.review_by:
        fields.append(Field("Review by", line(show.day(risk.review_by))))
    return tuple(fields)


def _speaks_up(ctx: Context, risk: Risk) -> tuple[Section, ...]:
    """A high risk with no owner or no mitigation is called out when it is recorded so."""
    found = lifecycle_warnings.risk_warning(risk)
    return lifecycle_warnings.section([found] if found else [], ctx.project.key)


@verb(
    "risk add",
    usage='risk add "<title>" [p=1..5] [i=1..5] [owner @user] [category <c>] [mitigation "<text>"] [review <date>]',
    args=[Param("title", text_for(Risk, "title"), required=True, greedy=True)],
    options=[PROBABILITY, IMPACT, OWNER, CATEGORY, MITIGATION, REVIEW],
    writes=True,
)
def risk_add(
    ctx: Context,
    *,
    title: str,
    p: int = 3,
    i: int = 3,
    owner: str | None = None,
    category: str | None = None,
    mitigation: str | None = None,
    review: date | None = None,
) -> Reply:
    """Record a risk; probability (p) and impact (i) go from 1 to 5 and default to 3.

    Categories: data, model, bias, privacy, regulatory, vendor, adoption, delivery, security, cost.
    """
    risk = risks.add(
        ctx.db,
        project=ctx.project,
        title=title,
        probability=p,
        impact=i,
        owner_id=owner,
        category=category,
        mitigation=mitigation,
        review_by=review,
        actor_id=ctx.actor,
        now=ctx.now,
    )
    return Reply(
        headline=line(f"Recorded {risk.ref}: {risk.title} — score {risk.score} (p{p}×i{i})"),
        tone=Tone.OK,
        fields=_details(risk),
        sections=_speaks_up(ctx, risk),
    )


@verb(
    "risk update",
    usage='risk update R-n [p=1..5] [i=1..5] [owner @user] [category <c>] [mitigation "<text>"] [review <date>] '
    '[status <status>] [title "<title>"]',
    args=[RISK],
    options=[
        PROBABILITY,
        IMPACT,
        OWNER,
        CATEGORY,
        MITIGATION,
        REVIEW,
        Param("status", choice(RiskStatus, "risk status")),
        Param("title", text_for(Risk, "title")),
    ],
    writes=True,
)
def risk_update(
    ctx: Context,
    *,
    number: int,
    p: int | None = None,
    i: int | None = None,
    owner: str | None = None,
    category: str | None = None,
    mitigation: str | None = None,
    review: date | None = None,
    status: str | None = None,
    title: str | None = None,
) -> Reply:
    """Change what is known about a risk: its scores, owner, category, mitigation, review date, status or title.

    Statuses: open, mitigating, accepted, closed.
    """
    risk = _find(ctx, number, "change")
    asked = {
        "probability": p,
        "impact": i,
        "owner_id": owner,
        "category": category,
        "mitigation": mitigation,
        "review_by": review,
        "status": status,
        "title": title,
    }
    changes = {name: value for name, value in asked.items() if value is not None}
    if not changes:
        raise CommandError(f"Say what to change on {risk.ref}.")
    old_score = risk.score
    _change(ctx, risk, "risk.update", changes)
    moved = f" (was {old_score})" if risk.score != old_score else ""
    return Reply(
        headline=line(f"Updated {risk.ref}: {risk.title} — score {risk.score}{moved}"),
        tone=Tone.OK,
        fields=_details(risk),
        sections=_speaks_up(ctx, risk),
    )


@verb("risk close", usage='risk close R-n ["why"]', args=[RISK, Param("why", text, greedy=True)], writes=True)
def risk_close(ctx: Context, *, number: int, why: str | None = None) -> Reply:
    """Close a risk that can no longer happen or no longer matters, saying why."""
    risk = _find(ctx, number, "close")
    if risk.status == RiskStatus.CLOSED:
        raise CommandError(f"{risk.ref} is already closed.")
    _change(ctx, risk, "risk.close", {"status": RiskStatus.CLOSED, "closed_reason": why})
    return Reply(
        headline=line(f"Closed {risk.ref}: {risk.title}" + (f" — {why}" if why else "")), tone=Tone.OK
    )


@verb("risks", usage="risks")
def risks_list(ctx: Context) -> Reply:
    """List the project's open risks, highest score first."""
    found = risks.open_by_score(ctx.db, project=ctx.project)
    if not found:
        return Reply(
            headline=line(
                f"{ctx.project.key} has no open risks. Add one: ", Code('risk add "<title>" p=3 i=4')
            )
        )
    return Reply(
        headline=line(f"Open risks of {ctx.project.key}, highest score first"),
        sections=(Section("", tuple(show.risk_line(r) for r in found)),),
    )
