"""Plain meanings of AI project jargon, and which of those terms a piece of text mentions."""

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GLOSSARY = Path(__file__).parent / "data" / "glossary.toml"
_FIELDS = {"name", "meaning", "aliases"}
# Letters, digits, "_" and "-" make up a word, so "F1" is not found in "F12" nor "training" in "re-training".
_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w-])"


@dataclass(frozen=True)
class Term:
    name: str
    meaning: str
    aliases: tuple[str, ...] = ()


@functools.cache
def default_terms() -> tuple[Term, ...]:
    """The glossary shipped with pmbot, read once."""
    return load_terms(GLOSSARY)


def load_terms(path: Path) -> tuple[Term, ...]:
    """Read the `[[term]]` tables of a TOML file; raise ValueError on a missing field or a name given twice."""
    with path.open("rb") as file:
        entries = tomllib.load(file).get("term", [])
    if not isinstance(entries, list):
        raise ValueError(f"{path}: terms must be [[term]] tables")
    terms = tuple(_term(entry, path) for entry in entries)
    seen: set[str] = set()
    for term in terms:
        for spelling in _spellings(term):
            if _key(spelling) in seen:
                raise ValueError(f"{path}: “{spelling}” is in the glossary twice")
            seen.add(_key(spelling))
    return terms


def _term(entry: Any, path: Path) -> Term:
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: terms must be [[term]] tables")
    name, meaning, aliases = entry.get("name"), entry.get("meaning"), entry.get("aliases", [])
    if not (isinstance(name, str) and name.strip() and isinstance(meaning, str) and meaning.strip()):
        raise ValueError(f"{path}: every term needs a name and a meaning, not {entry!r}")
    if not (isinstance(aliases, list) and all(isinstance(alias, str) and alias.strip() for alias in aliases)):
        raise ValueError(f"{path}: the aliases of “{name}” must be a list of words")
    if unknown := sorted(set(entry) - _FIELDS):  # a typo such as `alias =` would otherwise be lost quietly
        raise ValueError(f"{path}: “{name}” has unknown fields {', '.join(unknown)}")
    return Term(name.strip(), meaning.strip(), tuple(alias.strip() for alias in aliases))


def find_terms(text: str, terms: Sequence[Term]) -> list[Term]:
    """The terms `text` mentions by name or alias, each once, in order of first mention.

    Case is ignored, whole words only, and a plural "s" counts. Where mentions overlap the longest wins
    ("p95 latency", not "latency"); a tie goes to the later term, so a team's own terms added by
    merge() win over the shipped ones.
    """
    lowered = text.lower()
    mentions = [
        (match.start(), match.end(), index)
        for index, term in enumerate(terms)
        for spelling in _spellings(term)
        if _first_word(spelling) in lowered  # a cheap test first: a week's digest checks every term
        for match in _pattern(spelling).finditer(text)
    ]
    mentions.sort(key=lambda mention: (mention[0] - mention[1], mention[0], -mention[2]))
    kept: list[tuple[int, int, int]] = []
    for start, end, index in mentions:
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in kept):
            kept.append((start, end, index))
    return list(dict.fromkeys(terms[index] for _, _, index in sorted(kept)))


def merge(base: Sequence[Term], extra: Sequence[Term]) -> tuple[Term, ...]:
    """`base` with a team's own `extra` terms: one with the name of a base term (in any case) takes
    its place, the others follow at the end."""
    by_name = {_key(term.name): term for term in extra}
    replaced = tuple(by_name.pop(_key(term.name), term) for term in base)
    return replaced + tuple(by_name.values())


def _spellings(term: Term) -> tuple[str, ...]:
    return tuple(spelling for spelling in (term.name, *term.aliases) if spelling.strip())


def _key(spelling: str) -> str:
    return " ".join(spelling.lower().split())


@functools.lru_cache(maxsize=4096)
def _first_word(spelling: str) -> str:
    return spelling.split()[0].lower()


@functools.lru_cache(maxsize=4096)
def _pattern(spelling: str) -> re.Pattern[str]:
    """Any run of white space between words; "es" after s, x, z, ch or sh ("batches"), else "s"."""
    words = r"\s+".join(re.escape(word) for word in spelling.split())
    if spelling.strip()[-1].isalpha():
        words += "(?:es)?" if spelling.strip().lower().endswith(("s", "x", "z", "ch", "sh")) else "s?"
    return re.compile(_BEFORE + words + _AFTER, re.IGNORECASE)
