"""The glossary: the AI jargon pmbot explains in summaries, and the team's own terms."""

from handlers.command import Context
from handlers.errors import CommandError
from handlers.glossary import Term, default_terms, merge
from handlers.registry import Param, verb
from handlers.reply import Code, Reply, Section, Tone, line
from handlers.values import text_for
from storage import glossary
from storage.models import GlossaryTerm


def _all_terms(ctx: Context) -> tuple[Term, ...]:
    own = [Term(name=t.name, meaning=t.meaning) for t in glossary.team_terms(ctx.db, tenant_id=ctx.tenant_id)]
    return merge(default_terms(), own)


@verb("glossary", usage="glossary [term]", args=[Param("term", rest=True)], project=False)
def glossary_show(ctx: Context, *, term: str | None = None) -> Reply:
    """Show what a term means in summaries, or list the terms pmbot explains."""
    terms = _all_terms(ctx)
    if term is not None:
        wanted = " ".join(term.split()).lower()
        for known in terms:
            if wanted in (known.name.lower(), *(a.lower() for a in known.aliases)):
                return Reply(headline=line(f"{known.name}: {known.meaning}"))
        raise CommandError(
            f'“{term}” is not in the glossary. Add it: `glossary add "{term}" "<plain meaning>"`.'
        )
    own = glossary.team_terms(ctx.db, tenant_id=ctx.tenant_id)
    sections = []
    if own:
        sections.append(Section("Your team's terms", tuple(line(f"{t.name}: {t.meaning}") for t in own)))
    sections.append(Section(f"All {len(terms)} terms", (line(", ".join(t.name for t in terms)),)))
    return Reply(
        headline=line("Summaries explain these terms in plain words. See one with ", Code("glossary <term>")),
        sections=tuple(sections),
    )


@verb(
    "glossary add",
    usage='glossary add "<term>" "<plain meaning>"',
    args=[
        Param("term", text_for(GlossaryTerm, "name"), required=True),
        Param("meaning", text_for(GlossaryTerm, "meaning"), required=True, greedy=True),
    ],
    project=False,
    writes=True,
)
def glossary_add(ctx: Context, *, term: str, meaning: str) -> Reply:
    """Add your team's own term, or change what a term means; summaries then explain it that way."""
    row, before = glossary.put(
        ctx.db, tenant_id=ctx.tenant_id, name=term, meaning=meaning, actor_id=ctx.actor, now=ctx.now
    )
    return Reply(headline=line(f"{'Changed' if before else 'Added'} {row.name}: {meaning}"), tone=Tone.OK)
