"""The offline summarizer: deterministic, no network. It keeps the team's words (so every number and
date survives), leads with the health and explains the jargon from the glossary. Replies mark it as
an automatic summary (handlers/summaries/jobs.py), and the update keeps its source, `offline`.
"""

import re
from collections.abc import Sequence

from handlers.glossary import Term, find_terms
from handlers.summaries.model import HEADLINE_WORDS, Digest, DigestPoint, ProjectContext, Summary, Update

HEALTH = {"on-track": "on track", "at-risk": "at risk", "off-track": "off track"}


def _clip(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _first_clause(text: str) -> str:
    return re.split(r"(?<=[.;!?])\s", text.strip(), maxsplit=1)[0].rstrip(".;")


def plain_words(text: str, terms: Sequence[Term]) -> str:
    """`In plain words: F1 is …; drift is ….` for each glossary term in `text`, or nothing."""
    found = find_terms(text, terms)
    if not found:
        return ""
    return "In plain words: " + "; ".join(f"{t.name} is {t.meaning}" for t in found) + "."


def _goal(context: ProjectContext | None) -> str:
    if context is None:
        return ""
    if not context.kpis:
        return f"{context.name} has no success KPI with a baseline and a target yet, so this cannot be measured against its goal."
    goals = []
    for k in context.kpis:
        unit = f" {k.unit}" if k.unit else ""
        latest = f" (latest {k.latest:g}{unit})" if k.latest is not None else " (not measured yet)"
        goals.append(f"{k.name} from {k.baseline:g} to {k.target:g}{unit}{latest}")
    return f"The goal of {context.name} is measured by " + "; ".join(goals) + "."


def summarize_status(update: Update, context: ProjectContext | None, terms: Sequence[Term]) -> Summary:
    health = HEALTH.get(update.health, "")
    lead = f"{context.name} is {health}" if context and health else "In short"
    what = update.text.strip()
    sentences = [
        f"The team reports: {what}" + ("" if what.endswith((".", "!", "?")) else "."),
        plain_words(what, terms),
    ]
    asks = (
        ["The project is off track: ask its owner for a recovery plan."]
        if update.health == "off-track"
        else []
    )
    return Summary(
        headline=_clip(f"{lead}: {_first_clause(what)}", HEADLINE_WORDS),
        summary=" ".join(s for s in sentences if s),
        business_impact=_goal(context),
        asks=asks,
    )


def summarize_updates(
    updates: Sequence[Update], context: ProjectContext | None, terms: Sequence[Term]
) -> Digest:
    """The updates one point each, oldest first, then the jargon they use explained."""
    points = []
    for number, update in enumerate(updates, start=1):
        when = f"{update.at:%a %d %b}, " if update.at else ""
        who = f"{update.author}, " if update.author else ""
        points.append(
            DigestPoint(
                text=f"{when}{who}{HEALTH.get(update.health, update.health)}: {update.text.strip()}",
                sources=[number],
            )
        )
    explained = plain_words(" ".join(u.text for u in updates), terms)
    if explained:
        points.append(DigestPoint(text=explained, sources=list(range(1, len(updates) + 1))))
    name = context.name if context else "The project"
    now = HEALTH.get(updates[-1].health, "") if updates else ""
    headline = f"{name}: {len(updates)} update{'s' if len(updates) != 1 else ''}" + (
        f", now {now}" if now else ""
    )
    return Digest(headline=_clip(headline, HEADLINE_WORDS), points=points, asks=[])
