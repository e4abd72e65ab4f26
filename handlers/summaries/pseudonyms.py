"""What a summary request sends an LLM, and how the people in its answer are put back.

`hide` is the one gate everything sent passes: every string of the request, dictionary keys included,
is redacted (handlers/redact.py), so a field added later cannot leak. E-mail addresses, phones, cards and
secrets become "[email]", "[phone]"… for good; people (mentions, @handles, authors' ids) become ⟦P1⟧,
⟦P2⟧…, the same person the same placeholder throughout one request, so that the model can still say who
did what. `reveal` puts each person's mention, as the team wrote it, back in the answer; an answer with
a placeholder the request did not hold names someone the model made up, and is not used.

Why ⟦P1⟧: the white square brackets (U+27E6, U+27E7) belong to no chat markup (Slack mrkdwn, Markdown,
Teams) and to no prose, so one in an answer can only be a copy of ours or an invention, never the team's
words; whatever the team wrote in them reaches the model as [ and ]. A model copies such a short opaque
token verbatim, as a name. "@person-1" would read as a handle (a mention the model must not add, and one
the redaction would take again); "Person 1" is prose a model rewords ("the first person") and a team may
write itself.

Known limits: a person written as a plain name ("Maria Lopez" without a mention) is not a mention, and is
sent as written; Slack mentions and @handles are one person when they share the id or handle
(<@U1> and @U1), not by the name a mention may carry (<@U1|maria> and @maria are two).
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

from handlers.redact import redact

_OPEN, _CLOSE = "\u27e6", "\u27e7"
_PLACEHOLDER = re.compile(rf"{_OPEN}\s*P\s*(\d{{1,4}})\s*{_CLOSE}", re.IGNORECASE)
_STRAY = re.compile(rf"{_OPEN}[^{_CLOSE}\n]{{0,20}}{_CLOSE}?|{_CLOSE}")
_BRACKETS = str.maketrans({_OPEN: "[", _CLOSE: "]"})
_SLACK = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", re.IGNORECASE)
_TEAMS = re.compile(r"<at\b[^>]*>(.*?)</at\s*>", re.IGNORECASE | re.DOTALL)


class InventedPersonError(Exception):
    """The answer holds a placeholder (or a bracket of one) the request did not: the model made it up."""


def strings(value: Any) -> Iterator[str]:
    """Every string in JSON-like data, dictionary keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def _mapped(value: Any, change: Callable[[str], str]) -> Any:
    """JSON-like data with `change` applied to every string, dictionary keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {_mapped(key, change): _mapped(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mapped(item, change) for item in value]
    return value


def _who(mention: str) -> str:
    """Who a mention stands for: a Slack user id, a Teams name or a handle, in one case."""
    slack = _SLACK.fullmatch(mention)
    if slack:
        return slack.group(1).casefold()
    teams = _TEAMS.fullmatch(mention)
    if teams:
        return " ".join(teams.group(1).split()).casefold()
    return mention.removeprefix("@").casefold()


def _shown(mention: str) -> str:
    """What a mention is put back as: itself, but a Teams mention as its name (pmbot never posts <at>)."""
    teams = _TEAMS.fullmatch(mention)
    return " ".join(teams.group(1).split()) if teams else mention


class Pseudonyms:
    """The people of one request: placeholder -> the mention it stands for, first written form."""

    def __init__(self) -> None:
        self.people: dict[str, str] = {}
        self._placeholders: dict[str, str] = {}  # who -> placeholder

    def hide(self, value: Any) -> Any:
        """`value` (JSON-like) as it may be sent: every string redacted, people as placeholders."""
        return _mapped(value, self._hide_text)

    def reveal(self, value: Any) -> Any:
        """`value` (the answer, JSON-like) with each placeholder replaced by its person's mention;
        raises InventedPersonError for a placeholder the request did not hold, or a stray bracket."""
        return _mapped(value, self._reveal_text)

    def _hide_text(self, text: str) -> str:
        return redact(text.translate(_BRACKETS), person=self._placeholder).text

    def _placeholder(self, mention: str) -> str:
        who = _who(mention)
        if who not in self._placeholders:
            self._placeholders[who] = f"{_OPEN}P{len(self._placeholders) + 1}{_CLOSE}"
            self.people[self._placeholders[who]] = _shown(mention)
        return self._placeholders[who]

    def _reveal_text(self, text: str) -> str:
        def person(m: re.Match[str]) -> str:
            placeholder = f"{_OPEN}P{int(m.group(1))}{_CLOSE}"
            if placeholder not in self.people:
                raise InventedPersonError(m.group())
            return self.people[placeholder]

        revealed = _PLACEHOLDER.sub(person, text)
        stray = _STRAY.search(revealed)  # ⟦Alice⟧, ⟦P⟧: not ours, and never the team's (see hide)
        if stray is not None:
            raise InventedPersonError(stray.group())
        return revealed
