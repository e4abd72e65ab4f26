"""Decisions: what was decided, why, and what else was considered."""

from handlers import show
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Code, Field, Reply, Section, Tone, line
from handlers.values import ref, text, text_for, web_link
from storage import decisions
from storage.models import Decision
from storage.vocab import DecisionStatus

TITLE = Param("title", text_for(Decision, "title"), required=True, greedy=True)
BECAUSE = Param("because", text, required=True)
ALTERNATIVES = Param("alternatives", text)
LINK = Param("link", web_link)


def _record(
    ctx: Context,
    *,
    title: str,
    because: str,
    alternatives: str | None,
    supersedes: Decision | None = None,
    link: str | None = None,
) -> Reply:
    decision = decisions.add(
        ctx.db,
        project=ctx.project,
        title=title,
        rationale=because,
        alternatives=alternatives,
        decided_by=ctx.actor,
        now=ctx.now,
        supersedes=supersedes,
        source_link=link,
    )
    replaced = f" (supersedes {supersedes.ref})" if supersedes else ""
    fields = [Field("Because", line(decision.rationale))]
    if decision.alternatives:
        fields.append(Field("Alternatives considered", line(decision.alternatives)))
    fields.append(Field("Decided by", line(show.who(decision.decided_by))))
    if decision.source_link:
        fields.append(Field("Source", line(decision.source_link)))
    return Reply(
        headline=line(f"Recorded {decision.ref}: {decision.title}{replaced}"),
        tone=Tone.OK,
        fields=tuple(fields),
        public=True,
    )


@verb(
    "decision",
    usage='decision "<title>" because "<rationale>" [alternatives "<text>"] [link <url>]',
    args=[TITLE],
    options=[BECAUSE, ALTERNATIVES, LINK],
    writes=True,
)
def decision(
    ctx: Context, *, title: str, because: str, alternatives: str | None = None, link: str | None = None
) -> Reply:
    """Record a decision with its rationale and the alternatives that were weighed.

    `link` keeps where it was decided, such as the Slack message or the meeting notes.
    """
    return _record(ctx, title=title, because=because, alternatives=alternatives, link=link)


@verb(
    "decision supersede",
    usage='decision supersede D-n "<title>" because "<rationale>" [alternatives "<text>"]',
    args=[Param("D-n", ref("D"), required=True, key="number"), TITLE],
    options=[BECAUSE, ALTERNATIVES],
    writes=True,
)
def decision_supersede(
    ctx: Context, *, number: int, title: str, because: str, alternatives: str | None = None
) -> Reply:
    """Replace an earlier decision with a new one; the old one stays in the log, marked superseded."""
    old = decisions.get(ctx.db, project=ctx.project, number=number)
    if old is None:
        raise CommandError(f"{ctx.project.key} has no decision D-{number}. `decisions` lists them.")
    if old.status == DecisionStatus.SUPERSEDED:
        raise CommandError(f"{old.ref} is already superseded; supersede the decision that replaced it.")
    return _record(ctx, title=title, because=because, alternatives=alternatives, supersedes=old)


@verb("decisions", usage="decisions")
def decisions_list(ctx: Context) -> Reply:
    """List the project's decisions, newest first; superseded ones say what replaced them."""
    found = decisions.newest_first(ctx.db, project=ctx.project)
    if not found:
        return Reply(
            headline=line(
                f"{ctx.project.key} has no decisions yet. Record one: ",
                Code('decision "<title>" because "<rationale>"'),
            )
        )
    replaced_by = {d.supersedes: d.ref for d in found if d.supersedes}
    items = tuple(
        line(
            f"{d.ref} · {d.title} · ",
            show.who(d.decided_by),
            f" · {show.day(d.decided_at.astimezone(ctx.tz).date())}",
            f" · superseded by {replaced_by.get(d.number, '?')}"
            if d.status == DecisionStatus.SUPERSEDED
            else "",
        )
        for d in found
    )
    return Reply(
        headline=line(f"Decisions of {ctx.project.key}, newest first"), sections=(Section("", items),)
    )
