"""Governance: the project's EU AI Act class and why, GDPR (personal data, lawful basis, DPIA, processors)
and where its model is documented, so that regulation is dealt with early rather than discovered late."""

from enum import StrEnum
from typing import Any

from handlers import governance, lifecycle, lifecycle_warnings, show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.permissions import Manage
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Tone, line
from handlers.values import choice, person, text, text_for, web_link
from storage import governance as records
from storage import projects
from storage.models import Governance
from storage.vocab import AiActClass, Dpia, LawfulBasis, Role


class Topic(StrEnum):
    SPONSOR = "sponsor"
    AI_ACT = "ai-act"
    PERSONAL_DATA = "personal-data"
    CATEGORIES = "categories"
    LAWFUL_BASIS = "lawful-basis"
    DPIA = "dpia"
    PROCESSORS = "processors"
    MODEL_DOC = "model-doc"


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"


@verb("governance", usage="governance")
def governance_show(ctx: Context) -> Reply:
    """Show the project's governance record: sponsor, EU AI Act class and why, personal data, lawful basis, DPIA, processors, model documentation."""
    project = ctx.project
    record = records.get(ctx.db, project=project)
    fields = list(governance.all_fields(project, record))
    if record is not None:
        changed = record.updated_at.astimezone(ctx.tz).date()
        fields.append(Field("Last changed", line(show.who(record.updated_by), f", {show.day(changed)}")))
    return Reply(
        headline=line(f"Governance of {project.key}"),
        fields=tuple(fields),
        notes=(
            line(
                "Change a field with ",
                Code('governance set <field> <value> ["detail"]'),
                "; ",
                Code("help governance set"),
                " lists them.",
            ),
        ),
    )


@verb(
    "governance set",
    usage='governance set <field> <value> ["detail"]',
    args=[
        Param("field", choice(Topic, "governance field"), required=True),
        Param("value", required=True),
        Param("detail", text, greedy=True),
    ],
    writes=True,
    manage=Manage.PROJECT,
    doing="change its governance",
)
def governance_set(ctx: Context, *, field: str, value: str, detail: str | None = None) -> Reply:
    """Record a field of the project's governance: its sponsor, EU AI Act class and why, GDPR, processors, model documentation.

    Fields: `sponsor @user` (who owns the business outcome), `ai-act <minimal|limited|high|unacceptable|unassessed> "<why>"` (the EU AI Act risk class, with the reason), `personal-data yes|no ["<categories>"]`, `categories "<text>"`, `lawful-basis <consent|contract|legal-obligation|vital-interests|public-task|legitimate-interests>`, `dpia <not-needed|needed|done>`, `processors "<vendors>"`, `model-doc <link>`.
    """
    project = ctx.project
    changes = _changes(ctx, Topic(field), value, detail)
    records.update(ctx.db, project=project, changes=changes, actor_id=ctx.actor, now=ctx.now)
    if "sponsor_id" in changes:
        projects.add_member(
            ctx.db,
            project=project,
            user_id=changes["sponsor_id"],
            role=Role.STAKEHOLDER,
            actor_id=ctx.actor,
            now=ctx.now,
        )
    speaks = []
    if field == Topic.AI_ACT:  # the AI Act class is what a governance change can make pmbot speak up about
        facts = lifecycle.load(ctx.db, project, now=ctx.now)
        speaks = [w for w in lifecycle_warnings.warnings(facts) if w.about == "ai-act"]
    return Reply(
        headline=line(f"Governance of {project.key} recorded: ", *governance.change_line(changes)),
        tone=Tone.OK,
        fields=(Field("By", line(show.who(ctx.actor))),),
        sections=lifecycle_warnings.section(speaks, project.key),
    )


def _changes(ctx: Context, field: Topic, value: str, detail: str | None) -> dict[str, Any]:
    if field == Topic.SPONSOR:
        if detail is not None:
            raise CommandError(f"I did not expect “{detail}” after the sponsor; name one person.")
        return {"sponsor_id": person(value, ctx)}
    if field == Topic.AI_ACT:
        klass = choice(AiActClass, "EU AI Act class")(value, ctx)
        if klass != AiActClass.UNASSESSED and detail is None:
            raise CommandError(
                f'Say why the project is in that class: `governance set ai-act {klass} "<why>"`.',
                param="detail",
            )
        reason = text_for(Governance, "ai_act_reason")(detail, ctx) if detail else None
        return {"ai_act_class": klass, "ai_act_reason": reason}
    if field == Topic.PERSONAL_DATA:
        involved = choice(YesNo, "yes or no")(value, ctx) == YesNo.YES
        if not involved and detail:
            raise CommandError(
                "With no personal data there are no categories; leave the detail out.", param="detail"
            )
        changes: dict[str, Any] = {"personal_data": involved}
        if detail or not involved:
            changes["data_categories"] = (
                text_for(Governance, "data_categories")(detail, ctx) if detail else None
            )
        return changes
    if field in (Topic.CATEGORIES, Topic.PROCESSORS):
        column = "data_categories" if field == Topic.CATEGORIES else "processors"
        whole = value if detail is None else f"{value} {detail}"
        return {column: text_for(Governance, column)(whole, ctx)}
    if detail is not None:
        raise CommandError(f"I did not expect “{detail}” after the {field}; put text with spaces in quotes.")
    if field == Topic.LAWFUL_BASIS:
        return {"lawful_basis": choice(LawfulBasis, "lawful basis")(value, ctx)}
    if field == Topic.DPIA:
        return {"dpia": choice(Dpia, "DPIA state")(value, ctx)}
    return {"model_doc_link": web_link(value, ctx)}
