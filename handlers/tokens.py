"""Splitting a command into words, where "quoted text" is one word.

Straight and typographic quotes are both accepted: Slack, Teams and phones turn " into “ ”.
"""

import re
from dataclasses import dataclass

from handlers.errors import CommandError

OPENING = {'"': '"', "“": "”", "„": "“", "”": "”", "«": "»"}
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
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        closing = OPENING.get(text[i])
        if closing is not None:
            end = _find_closing(text, i + 1, closing)
            if end < 0:
                before = text[max(0, i - 25) : i].strip() or "the start"
                raise CommandError(f"The quote after “{before}” is never closed; close it or remove it.")
            tokens.append(Token(text[i + 1 : end].strip(), True, i, end + 1))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in OPENING:
            i += 1
        tokens.append(Token(text[start:i], False, start, i))
    return tokens


def _find_closing(text: str, start: int, closing: str) -> int:
    for i in range(start, len(text)):
        if text[i] == closing or (closing != '"' and text[i] == '"') or (closing == '"' and text[i] == "”"):
            return i
    return -1


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
