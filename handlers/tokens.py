"""Splitting a command into words, where "quoted text" is one word.

Straight and typographic quotes are both accepted: Slack, Teams and phones turn " into “ ”.
"""

import re
from dataclasses import dataclass

from handlers.errors import CommandError

# Longer than any command needs (a decision with its rationale, alternatives and link is under 6,000):
# a 40 KB paste is refused at once rather than read word by word.
MAX_COMMAND = 10_000
OPENING = {'"': '"', "“": "”", "„": "“", "”": "”", "«": "»"}
# Regular expressions rather than a loop over characters: a 40 KB line is read in well under a millisecond.
_NEXT = re.compile(r"\S")  # where the next token starts
_WORD = re.compile("[^\\s" + "".join(OPENING) + "]+")
# What ends a quote: its closing mark or a straight quote; and ” ends a straight one (phones mix them).
_CLOSING = {
    closing: re.compile(
        "[" + "".join(sorted({closing, '"', "”"} if closing == '"' else {closing, '"'})) + "]"
    )
    for closing in set(OPENING.values())
}
_PROJECT_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]{1,19}):(?=\s|$)")


class Quoted(str):
    """Text the person put in quotes: readers may tell it apart from a bare word."""

    __slots__ = ()


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool
    start: int  # offsets into the command text, quotes included
    end: int

    def value(self) -> str:
        return Quoted(self.text) if self.quoted else self.text

    def word(self) -> str | None:
        """The token lower-cased when it is a bare word (a keyword candidate), else None."""
        return None if self.quoted else self.text.lower()


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_COMMAND:
        raise CommandError(
            f"That command is {len(text):,} characters long; keep it under {MAX_COMMAND:,}. "
            "Put long text in a document and give its link."
        )
    tokens: list[Token] = []
    i = 0
    while (start := _NEXT.search(text, i)) is not None:
        i = start.start()
        closing = OPENING.get(text[i])
        if closing is not None:
            end = _find_closing(text, i + 1, closing)
            if end < 0:
                before = text[max(0, i - 25) : i].strip() or "the start"
                raise CommandError(f"The quote after “{before}” is never closed; close it or remove it.")
            tokens.append(Token(text[i + 1 : end].strip(), True, i, end + 1))
            i = end + 1
            continue
        word = _WORD.match(text, i)
        assert word is not None  # text[i] is neither a space nor a quote
        tokens.append(Token(word.group(), False, i, word.end()))
        i = word.end()
    return tokens


def _find_closing(text: str, start: int, closing: str) -> int:
    found = _CLOSING[closing].search(text, start)
    return found.start() if found else -1


def split_project(text: str) -> tuple[str | None, str]:
    """Take the project a command names, as `key: verb …` or `--project key`, out of its text."""
    match = _PROJECT_PREFIX.match(text)
    if match:
        return match.group(1).lower(), text[match.end() :]
    quoted = [(t.start, t.end) for t in tokenize(text) if t.quoted]
    for found in re.finditer(r"(?:^|\s)--project(?:=|\s+)([A-Za-z][A-Za-z0-9-]*)(?=\s|$)", text):
        if not any(start <= found.end() - 1 and found.start() < end for start, end in quoted):
            return found.group(1).lower(), text[: found.start()] + text[found.end() :]
    if re.search(r"(?:^|\s)--project\s*$", text):
        raise CommandError("`--project` needs a project key after it, for example `--project churn`.")
    return None, text
