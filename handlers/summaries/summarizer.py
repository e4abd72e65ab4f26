"""The summarizer: asks the LLM when one is configured and allowed, checks what it says, and otherwise
(or on any failure) answers with the offline summary, saying why in the log.

Each entry point builds its request from the team's words as they are; `_ask` alone makes it fit to send
(handlers/summaries/pseudonyms.py: everything redacted, people as placeholders) and reads the people
back into the answer before any check.

Each database step is a short transaction of its own: the LLM is never called while one is open.
"""

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from handlers.clock import Clock
from handlers.facts import unsupported
from handlers.glossary import Term, default_terms, find_terms, merge
from handlers.redact import doubtful
from handlers.safe_output import additions, obeyed, sanitize
from handlers.summaries import offline
from handlers.summaries.llm import Answer, Llm, LlmError, json_object, prompt
from handlers.summaries.model import Digest, ProjectContext, Result, Summary, T, Update
from handlers.summaries.pseudonyms import InventedPersonError, Pseudonyms, strings
from storage import glossary, llm, tenant_settings
from storage.db import Database

log = logging.getLogger(__name__)

LIMITS = {"headline": 150, "text": 1200, "point": 500, "ask": 300}
MAX_ITEMS = 12


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _context_data(context: ProjectContext | None) -> dict[str, Any] | None:
    if context is None:
        return None
    kpis = [
        {"name": k.name, "baseline": k.baseline, "target": k.target, "unit": k.unit, "latest": k.latest}
        for k in context.kpis
    ]
    return {"name": context.name, "phase": context.phase, "success_kpis": kpis}


def _safe(value: T, source: str) -> T:
    """The answer with pings, foreign mentions and links removed and every part bounded."""

    def clean(text: str, limit: str) -> str:
        return sanitize(text, source=source, limit=LIMITS[limit])

    asks = [clean(a, "ask") for a in value.asks[:MAX_ITEMS]]
    if isinstance(value, Summary):
        return value.model_copy(
            update={
                "headline": clean(value.headline, "headline"),
                "summary": clean(value.summary, "text"),
                "business_impact": clean(value.business_impact, "text"),
                "asks": asks,
            }
        )
    points = [p.model_copy(update={"text": clean(p.text, "point")}) for p in value.points[:MAX_ITEMS]]
    return value.model_copy(
        update={"headline": clean(value.headline, "headline"), "points": points, "asks": asks}
    )


_HEALTH_WORDS = {
    "on-track": re.compile(r"\bon[ -]track\b", re.IGNORECASE),
    "at-risk": re.compile(r"\bat[ -]risk\b", re.IGNORECASE),
    "off-track": re.compile(r"\boff[ -]track\b", re.IGNORECASE),
}


def _steered(value: Summary | Digest, source: str, health: str) -> str:
    """Why the answer shows the model was steered by the data it was given ("ignore your instructions
    and @channel …"), or "": pings, mentions or links the team did not write, talk of its instructions,
    or a headline giving another health than the team's. Such an answer is not used, even cleaned."""
    text = value.text()
    added = additions(text, source)
    if added:
        return "it adds " + ", ".join(f"“{a}”" for a in added[:3])
    words = obeyed(text, source)
    if words:
        return f"it says “{words}”"
    if health in _HEALTH_WORDS:
        others = [h for h, said in _HEALTH_WORDS.items() if h != health and said.search(value.headline)]
        if others and not _HEALTH_WORDS[health].search(value.headline):
            return f"its headline says {others[0]}, the team says {health}"
    return ""


class Summarizer:
    def __init__(self, *, database: Database, llm: Llm | None, clock: Clock) -> None:
        self.database = database
        self.llm = llm
        self.clock = clock

    def terms(self, tenant_id: str) -> tuple[Term, ...]:
        """The built-in glossary with the team's own terms over it."""
        with self.database.session(write=False) as db:
            own = [Term(name=t.name, meaning=t.meaning) for t in glossary.team_terms(db, tenant_id=tenant_id)]
        return merge(default_terms(), own)

    def status(self, *, tenant_id: str, update: Update, context: ProjectContext | None) -> Result[Summary]:
        terms = self.terms(tenant_id)

        def data() -> dict[str, Any]:
            return {
                "project": _context_data(context),
                "update": {"health": update.health, "text": update.text},
                "glossary": self._glossary(update.text, terms),
            }

        source = "\n".join([update.text, context.facts_text() if context else ""])
        fallback = offline.summarize_status(update, context, terms)
        return self._ask(tenant_id, "status-v1", data, Summary, source, fallback, update.health)

    def updates(
        self, *, tenant_id: str, updates: Sequence[Update], context: ProjectContext | None
    ) -> Result[Digest]:
        terms = self.terms(tenant_id)
        text = "\n".join(u.text for u in updates)

        def data() -> dict[str, Any]:
            listed = [
                {
                    "number": number,
                    "health": u.health,
                    "author": u.author,
                    "date": u.at.date().isoformat() if u.at else None,
                    "text": u.text,
                }
                for number, u in enumerate(updates, start=1)
            ]
            return {
                "project": _context_data(context),
                "updates": listed,
                "glossary": self._glossary(text, terms),
            }

        dates = " ".join(u.at.date().isoformat() for u in updates if u.at)
        source = "\n".join(
            [text, " ".join(u.author for u in updates), dates, context.facts_text() if context else ""]
        )
        fallback = offline.summarize_updates(updates, context, terms)
        return self._ask(tenant_id, "digest-v1", data, Digest, source, fallback)

    def explain(self, *, tenant_id: str, text: str) -> Result[Summary]:
        terms = self.terms(tenant_id)

        def data() -> dict[str, Any]:
            return {"text": text, "glossary": self._glossary(text, terms)}

        fallback = offline.summarize_status(Update(health="", text=text), None, terms)
        return self._ask(tenant_id, "explain-v1", data, Summary, text, fallback)

    @staticmethod
    def _glossary(text: str, terms: Sequence[Term]) -> dict[str, str]:
        return {t.name: t.meaning for t in find_terms(text, terms)}

    def _ask(
        self,
        tenant_id: str,
        version: str,
        request: Callable[[], dict[str, Any]],
        shape: type[T],
        source: str,
        fallback: T,
        health: str = "",
    ) -> Result[T]:
        def offline_because(reason: str) -> Result[T]:
            log.warning("offline summary used for tenant %s: %s", tenant_id, reason)
            return Result(fallback, "offline", reason)

        def unredacted() -> Result[T]:  # a rule broke on some text: that text does not leave
            log.exception("redaction failed for tenant %s", tenant_id)
            return offline_because("the text could not be redacted")

        if self.llm is None:
            return Result(fallback, "offline", "no LLM is configured")
        people = Pseudonyms()
        try:
            data = people.hide(request())
        except Exception:
            return unredacted()
        if any(doubtful(text) for text in strings(data)):  # the reason is logged: it names no value
            return offline_because("the text may hold personal data that could not be redacted")
        # The same request about other people is another request: its answer names them.
        key = _key(version, self.llm.model, self.llm.language, data, people.people)
        with self.database.session(write=False) as db:
            if not tenant_settings.llm_enabled(db, tenant_id=tenant_id):
                return Result(fallback, "offline", "LLM use is off for this workspace")
            hit = llm.cached(db, key=key)
        if hit is not None:
            return Result(shape.model_validate(hit), "llm", "cached")
        feedback = ""
        for _attempt in range(2):
            try:
                answer = self.llm.ask(prompt(version), data, shape, feedback)
            except LlmError as problem:
                return offline_because(str(problem))
            self._count(tenant_id, answer)
            if answer.problem:
                return offline_because(answer.problem)
            try:
                raw = shape.model_validate(people.reveal(json_object(answer.content)))
            except InventedPersonError as problem:
                return offline_because(f"the answer names a person the data does not (“{problem}”)")
            except LlmError as problem:
                return offline_because(str(problem))
            except ValidationError as problem:
                return offline_because(
                    f"the answer does not have the asked shape ({problem.error_count()} errors)"
                )
            steered = _steered(raw, source, health)
            if steered:
                return offline_because(f"the answer followed the data, not its instructions ({steered})")
            value = _safe(raw, source)
            wrong = unsupported(value.text(), source)
            if not wrong:
                self._remember(tenant_id, key, version, value)
                return Result(value, "llm")
            try:  # the facts, as written back in the answer, are told the model (and logged) as data is
                named = people.hide(", ".join(f"“{f.text}”" for f in wrong))
            except Exception:
                return unredacted()
            feedback = (
                f"Your previous answer contained facts that are not in the data: {named}. Answer again, using "
                "only numbers, dates, amounts of money and names that appear in the data."
            )
        return offline_because(f"the answer failed the fact check twice ({named})")

    def _count(self, tenant_id: str, answer: Answer) -> None:
        with self.database.session(write=True) as db:
            llm.add_usage(
                db,
                tenant_id=tenant_id,
                month=self.clock().strftime("%Y-%m"),
                prompt_tokens=answer.prompt_tokens,
                completion_tokens=answer.completion_tokens,
            )

    def _remember(self, tenant_id: str, key: str, version: str, value: BaseModel) -> None:
        assert self.llm is not None
        with self.database.session(write=True) as db:
            llm.remember(
                db,
                key=key,
                tenant_id=tenant_id,
                prompt_version=version,
                model=self.llm.model,
                answer=value.model_dump(mode="json"),
                now=self.clock(),
            )
