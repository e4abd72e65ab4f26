"""Readers for the values commands take: each turns typed text into a value or says what was wrong."""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import SQLModel

from handlers.command import Context
from handlers.dates import parse_date
from handlers.errors import CommandError
from handlers.tokens import Quoted
from handlers.weekly import Weekly, parse_weekly
from storage.models import Decision, Deliverable

Reader = Callable[[str, Context], object]

MAX_TEXT = 2000
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_HANDLE = re.compile(r"^@([\w.\-]{1,64})$")
_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|([^>]*))?>$")
_CHANNEL_NAME = re.compile(r"^#([\w.\-]{1,64})$")
# ASCII digits only: "²" is a digit to str.isdigit() but not to int(), and "R-١" is no number people type.
_REF = re.compile(r"^([A-Za-z])-?([0-9]{1,6})$")


# Characters no database takes: NUL (PostgreSQL refuses it in text) and the halves of a surrogate pair
# (not UTF-8 at all; a JSON payload can still carry one, as "\ud800"); and other control characters.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def _storable(raw: str) -> str:
    """`raw` without control characters, and with a lone surrogate shown as �, as a reader would see it."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", raw)


def _text(raw: str, limit: int) -> str:
    value = " ".join(_storable(raw).split())
    if not value:
        raise CommandError("That text is empty.")
    if len(value) > limit:
        raise CommandError(f"That text is {len(value)} characters long; keep it to {limit}.")
    return value


def text(raw: str, _ctx: Context) -> str:
    return _text(raw, MAX_TEXT)


def column_limit(model: type[SQLModel], column: str) -> int:
    """How long a text the column holds: PostgreSQL refuses longer text (SQLite would silently keep it)."""
    length = getattr(model.__table__.c[column].type, "length", None)  # type: ignore[attr-defined]
    return min(length or MAX_TEXT, MAX_TEXT)


def text_for(model: type[SQLModel], column: str) -> Reader:
    """Text that fits the column it will be stored in."""
    limit = column_limit(model, column)

    def read(raw: str, _ctx: Context) -> str:
        return _text(raw, limit)

    return read


def whole_number(low: int, high: int, what: str) -> Reader:
    def read(raw: str, _ctx: Context) -> int:
        # At most 9 ASCII digits: int() refuses 4,300 and more, and a column holds no bigger number.
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", raw.strip()) or not low <= int(raw) <= high:
            raise CommandError(f"{what} must be a whole number from {low} to {high}; you gave “{raw}”.")
        return int(raw)

    return read


def number(raw: str, _ctx: Context) -> float:
    if raw.strip().endswith("%"):
        raise CommandError(
            f"Write “{raw}” without %, in the KPI's own unit: 71% is 0.71 on a 0–1 scale, or 71."
        )
    cleaned = raw.strip().replace("\u2212", "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise CommandError(f"“{raw}” is not a number. Write it like 0.71, 1200 or -3.5.") from None
    if not math.isfinite(value):
        raise CommandError(f"“{raw}” is not a number I can record.")
    return value


def choice(options: type[StrEnum], what: str, aliases: Mapping[str, str] | None = None) -> Reader:
    def read(raw: str, _ctx: Context) -> str:
        word = raw.strip().lower().replace("_", "-")
        word = (aliases or {}).get(word, word)
        if word not in {o.value for o in options}:
            allowed = ", ".join(o.value for o in options)
            raise CommandError(f"“{raw}” is not a {what}. Use one of: {allowed}.")
        return word

    return read


def person(raw: str, _ctx: Context) -> str:
    """A user: a platform mention (`<@U123>`) or, in the console, `@name`."""
    raw = raw.strip()
    match = _MENTION.match(raw) or _HANDLE.match(raw)
    if not match:
        raise CommandError(f"“{raw}” is not a person. Mention them, like @alice.")
    return match.group(1)


@dataclass(frozen=True)
class Channel:
    id: str  # what the platform calls it (C024BE91L in Slack)
    name: str  # what people call it, without the #


def channel(raw: str, _ctx: Context) -> Channel:
    """A channel: a platform mention (Slack sends `<#C024BE91L|general>` for #general) or, in the
    console, `#name`."""
    raw = raw.strip()
    mention = _CHANNEL.match(raw)
    if mention:
        return Channel(id=mention.group(1), name=mention.group(2) or mention.group(1))
    named = _CHANNEL_NAME.match(raw)
    if not named:
        raise CommandError(f"“{raw}” is not a channel. Mention it, like #ai-portfolio.")
    return Channel(id=named.group(1), name=named.group(1))


def weekly(raw: str, _ctx: Context) -> Weekly:
    """A time in the week, such as `fri 16:00` (read in the project's timezone when used)."""
    return parse_weekly(raw)


@dataclass(frozen=True)
class Owner:
    """Who answers for a deliverable: a user, or a named outside party such as “IT data team”."""

    user_id: str | None = None
    party: str | None = None


def owner(raw: str, ctx: Context) -> Owner:
    """A mention, or a party in quotes: a bare `owner bob` is a forgotten @, not a party called “bob”."""
    if isinstance(raw, Quoted) and not raw.strip().startswith(("@", "<@")):
        return Owner(party=_text(raw, column_limit(Deliverable, "owner_party")))
    if raw.strip().startswith(("@", "<@")):
        return Owner(user_id=person(raw, ctx))
    raise CommandError(
        f'“{raw}” is not a person. Mention them, like @alice, or put an outside party in quotes, like "IT data team".'
    )


def any_date(raw: str, ctx: Context) -> date:
    return parse_date(raw, ctx.today)


def future_date(raw: str, ctx: Context) -> date:
    """A date that is today or later, in the person's timezone."""
    value = parse_date(raw, ctx.today)
    if value < ctx.today:
        raise CommandError(f"{value:%a %d %b %Y} is in the past; give today or a later date.")
    return value


def web_link(raw: str, _ctx: Context) -> str:
    """An http(s) address, as typed or as Slack sends a pasted one (`<https://…>` or `<https://…|label>`)."""
    value = raw.strip()
    if value.startswith("<"):
        value = value[1:].removesuffix(">").partition("|")[0]
    limit = column_limit(Decision, "source_link")
    if not re.fullmatch(r"https?://\S+", value, re.IGNORECASE) or _storable(value) != value:
        raise CommandError(f"“{raw}” is not a link. Give a web address that starts with https://.")
    if len(value) > limit:
        raise CommandError(f"That link is {len(value)} characters long; keep it to {limit}.")
    return value


def ref(letter: str) -> Reader:
    """A record number such as R-3 (also r3 or 3)."""

    def read(raw: str, _ctx: Context) -> int:
        raw = raw.strip()
        if re.fullmatch(r"[0-9]{1,6}", raw):
            return int(raw)
        match = _REF.match(raw)
        if not match or match.group(1).upper() != letter:
            raise CommandError(f"“{raw}” is not a number like {letter}-3.")
        return int(match.group(2))

    return read


def project_key(raw: str, _ctx: Context) -> str:
    key = raw.strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,19}", key):
        raise CommandError(
            f"“{raw}” cannot be a project key: use 2 to 20 letters, digits or dashes, starting with a letter."
        )
    return key
