"""Hostile input never breaks the command grammar: hypothesis builds commands from the real verbs, their
keywords and typical values, mixed with unicode (right-to-left marks, emoji, zero-width characters),
control characters and NUL, 40 KB words, unbalanced quotes, SQL, and Slack mrkdwn, mentions and links.

Two tiers, so that CI stays fast:
- the pure parse path (project prefix, tokenizer, registry match, argument readers) on 10,000 inputs:
  every outcome is a parsed command or a CommandError that says what to do;
- the whole CommandService on a real database, a few hundred generated commands and each hostile
  fragment once inside a working command's text: no exception escapes (none is even logged), every
  error reply carries a usage or says what to do, a rejected command changes no row of any table, and
  no reply, as Slack renders it, holds a broadcast (`<!channel>`, `<!here>`, `<!everyone>`, `@channel`,
  `@here`).

`make fuzz` runs both with FUZZ_EXAMPLES (default 200,000 and a tenth of it through the service).
"""

import logging
import os
import random
import re
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from bot.slack.render import blocks, fallback_text
from handlers.command import Command, Context
from handlers.commands import build_registry
from handlers.errors import CommandError
from handlers.reply import Code, Reply, Tone
from handlers.service import CommandService
from handlers.tokens import split_project, tokenize
from storage.db import Database

PARSE_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
SERVICE_EXAMPLES = max(300, PARSE_EXAMPLES // 10 if "FUZZ_EXAMPLES" in os.environ else 300)

REGISTRY = build_registry()
VERBS = sorted(REGISTRY.verbs)
KEYWORDS = sorted(
    {o.name for v in REGISTRY for o in v.options}
    | {"mine", "overdue", "portfolio", "off", "on", "well", "badly", "lesson", "next", "go", "pivot", "stop"}
)
VALUES = [
    "R-1", "R-2", "r1", "D-1", "A-1", "A-99", "K-1", "1", "0", "-1", "99999999999999999999", "p=4", "i=5",
    "p=", "=", "p==3", "@alice", "@bob", "<@U123>", "<@U123|bob>", "<#C1|general>", "#general", "2026-12-01",
    "2026-02-30", "tomorrow", "in 3 days", "next monday", "fri 16:00", "25:99", "0.71", "1e309", "nan", "-inf",
    "71%", "on-track", "at-risk", "off-track", "green", "poc", "framing", "closed", "deployment", "churn",
    "https://example.com/x", "<https://example.com|x>", "ai-act", "limited", "team", "ethics", "F1",
]  # fmt: skip
HOSTILE = [
    "'; DROP TABLE risks; --", '" OR 1=1 --', "Robert'); DELETE FROM project;--", "%s %(x)s {0} {x}", "\\",
    "<!channel>", "<!here>", "<!everyone>", "<!here|here>", "<!subteam^S1|@team>", "@channel", "@here",
    "@everyone", "<@U123>", "<@W999|ceo>", "<http://evil.example|x>", "<https://evil.example>",
    "[click](http://evil.example)", "*bold*", "_it_", "~s~", "`code`", "```block```", "> quote", "&amp;",
    "&lt;!channel&gt;", "<at>Bob</at>", "\u202eevil\u202c", "\u200f", "\u200e", "\u200b", "\u2060", "\ufeff",
    "@\u200bhere", "\x00", "\x1b[31m", "\x07", "\r\n", "\r", "\x0b", "\x85", "\u2028", "\ud800", "\udfff",
    "👩‍👩‍👧‍👦", "🔥🔥🔥", "🏳️‍🌈", "مرحبا بالعالم", "שלום", "Ω≈ç√∫", "ｆｕｌｌｗｉｄｔｈ", "x\u0301\u0301\u0301",
    '"', "“", "”", "„", "«", "»", "'", "''", '""', "--project", "--project=", "--project churn", "churn:",
    "other:", ":", "==", "|", "\t",
]  # fmt: skip
QUOTES = [('"', '"'), ("“", "”"), ("„", "“"), ("«", "»"), ('"', ""), ("", '"'), ("“", ""), ("«", '"')]
SEPARATORS = ["  ", "", "\t", "\n", "\u00a0", "\u3000"]
# Long words: over a text's 2,000 characters, many words in one, and 40 KB lines.
LONG = [
    "x" * 2001,
    "é" * 2001,
    "a " * 1500,
    '"' * 2001,
    "🔥" * 3000,
    "x" * 40_000,
    "é " * 20_000,
    "1" * 40_000,
]
ATOMS = VALUES + KEYWORDS + HOSTILE + VERBS + LONG
FORMS = sorted({f for v in VERBS for f in (v, v.upper(), v.title(), v[:-1], v.replace(" ", "  "), v + "x")})
ENDS = [
    (prefix, suffix)
    for prefix in ["", "churn: ", "other: ", "CHURN:", "x:", ":", "--project churn "]
    for suffix in ["", " --project churn", " --project", " --project=other", " --project churn --project x"]
]


def _pieces() -> list[str]:
    """What follows a verb, a piece at a time: a word after a space (or another separator, or none), or
    one to three words in quotes, some left open or closed with another kind of quote."""
    pick = random.Random(0)
    pieces = [" " + atom for atom in ATOMS]
    pieces += [separator + atom for separator in SEPARATORS for atom in pick.sample(ATOMS, 40)]
    for opening, closing in QUOTES:
        pieces += [f" {opening}{atom}{closing}" for atom in pick.sample(ATOMS, 60)]
        pieces += [f" {opening}{' '.join(pick.sample(ATOMS, 3))}{closing}" for _ in range(30)]
    return pieces


PIECES = _pieces()
# A hypothesis draw costs more than parsing a command: whole pieces are drawn from lists, and st.text
# brings characters from anywhere in Unicode.
pieces = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES), st.text(max_size=8)), max_size=6
)
commands = st.builds(
    lambda name, ends, rest: ends[0] + name + "".join(rest) + ends[1],
    st.sampled_from(FORMS),
    st.sampled_from(ENDS),
    pieces,
)
# Each verb's usage with its placeholders (<title>, R-n, @user, 1..5, "why") filled: commands that get
# past the grammar into the readers and the handlers, where typical values and hostile ones meet.
_SLOT = re.compile(r"<[^<>]*>|\b[A-Z]-n\b|@user|\d\.\.\d|(?<=\")[a-z][a-z ]*(?=\")")
SKELETONS = [_SLOT.split(v.usage.splitlines()[0].replace("[", "").replace("]", "")) for v in REGISTRY]
FILLERS = VALUES * 4 + ["Label noise", "the vendor's data", "Q3"] * 8 + HOSTILE + LONG


def _filled(skeleton: list[str], values: list[str]) -> str:
    return "".join(text + (values[i] if i < len(skeleton) - 1 else "") for i, text in enumerate(skeleton))


filled = st.builds(
    _filled, st.sampled_from(SKELETONS), st.lists(st.sampled_from(FILLERS), min_size=12, max_size=12)
)
# Working commands with something hostile put inside their text or between their words: most are still
# accepted, so hostile text reaches the handlers and the database.
WORKING = [
    'status at-risk "Labels arrived late"',
    "status off-track Labels arrived late",
    'risk add "Label noise" p=4 i=3 owner @bob mitigation "Relabel"',
    'risk update R-1 title "Label noise in Q3"',
    'risk close R-1 "retired"',
    'decision "Use XGBoost" because "cheaper" alternatives "LightGBM"',
    'decision supersede D-1 "Use LightGBM" because "faster"',
    'deliverable add "Extract" owner "Vendor team" due in 3 days',
    'kpi add "Recall" baseline 0.5 target 0.8 unit "share"',
    'kpi set "F1" 0.75 "after relabelling"',
    'gate check data "Sample from Q3"',
    'governance set categories "email addresses"',
    'retro lesson "Fix the KPIs first"',
    'glossary add "NPS" "how likely customers recommend us"',
    'project new fuzzed "Fuzzed project"',
    'phase next pivot "Score B2B only"',
    "explain F1 fell to 0.71",
    'gate template add poc ethics "Ethics board consulted"',
    'usecase add "Invoice triage" problem "Slow invoices"',
    'experiment add "Relabelling lifts F1" metric "F1"',
]


def _inserted(command: str, where: int, what: str) -> str:
    """`what` put at one of the places in `command` where text goes: inside quotes, or between words."""
    places = [i for i, ch in enumerate(command) if ch in '" '] + [len(command)]
    at = places[where % len(places)]
    return command[:at] + what + command[at:]


def _in_text(command: str, what: str) -> str:
    """`what` at the start of the command's first quoted text, or at its end when it quotes nothing."""
    at = command.find('"') + 1 or len(command)
    return command[:at] + what + " " + command[at:]


inserted = st.builds(
    _inserted, st.sampled_from(WORKING), st.integers(0, 40), st.sampled_from(HOSTILE + LONG + VALUES)
)
inputs = st.one_of(inserted, inserted, filled, filled, commands, st.text(max_size=40))
# Through the service, mostly working commands carrying one hostile fragment each.
hostile_inside = st.builds(_inserted, st.sampled_from(WORKING), st.integers(0, 40), st.sampled_from(HOSTILE))
service_inputs = st.one_of(hostile_inside, hostile_inside, inputs)


def _what_to_do(message: str) -> bool:
    """A rejection without a usage still points the way: a command to type, or what to change."""
    return (
        "`" in message
        or re.search(r"\b(close|remove|put|use|give|write|mention|keep|name|type)\b", message, re.I)
        is not None
    )


def parse(text: str) -> CommandError | None:
    """The pure part of a command, what CommandService does before it opens the database: None when
    the command is read, else why not, with the verb's usage when the verb was found."""
    ctx = Context(
        Command(tenant_id="T1", user_id="alice", channel_id="C-churn", text=text, request_id="fuzz"),
        cast(Session, None),  # no reader touches the database
        datetime(2026, 11, 18, 10, tzinfo=UTC),
        ZoneInfo("UTC"),
        None,
    )
    try:
        _, rest_text = split_project(text)
        found, rest = REGISTRY.match(tokenize(rest_text))
    except CommandError as problem:
        return problem
    try:
        found.bind(rest, rest_text, ctx)
    except CommandError as problem:
        problem.usage = problem.usage or found.usage  # as CommandService does
        return problem
    return None


@settings(max_examples=PARSE_EXAMPLES, deadline=None, derandomize=True, database=None)
@given(inputs)
def test_the_grammar_parses_or_says_what_to_do(text):
    problem = parse(text)
    if problem is not None:
        assert problem.message.strip()
        assert problem.usage or _what_to_do(problem.message), (text[:200], problem.message)


# --- the whole service ---------------------------------------------------------------------------

SEED = [
    'project new churn "Churn model"',
    'risk add "Label noise" p=4 i=3',
    'decision "Use XGBoost" because "cheaper"',
    'deliverable add "Extract" owner @bob due in 3 days',
    'kpi add "F1" baseline 0.7 target 0.8',
    'status on-track "Labels arrived"',
]
_BROADCAST = re.compile(r"<!(?:channel|here|everyone)\b|(?<![\w\u2060])@(?:channel|here|everyone)\b", re.I)


def snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with database.session(write=False) as db:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in db.execute(select(table)).all())
            for table in SQLModel.metadata.sorted_tables
        }


def rendered_texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in rendered_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in rendered_texts(item)]
    return []


def says_what_to_do(reply: Reply) -> bool:
    headline = "".join(
        p if isinstance(p, str) else f"`{p.text}`" if isinstance(p, Code) else "" for p in reply.headline
    )
    return bool(reply.usage) or _what_to_do(headline)


@pytest.fixture
def seeded(database: Database) -> CommandService:
    service = CommandService(database=database, registry=build_registry(), default_tz="UTC")
    for number, text in enumerate(SEED):
        outcome = service.handle(Command("T1", "alice", "C-churn", text, f"seed-{number}"))
        assert outcome.reply.tone != Tone.ERROR, text
    return service


def check(service: CommandService, database: Database, caplog: Any, text: str, request_id: str) -> Reply:
    """Send `text`; whatever it is, no error is logged, the reply pings nobody, and a refusal says what to
    do and leaves every row as it was."""
    before = snapshot(database)
    reply = service.handle(Command("T1", "alice", "C-churn", text, request_id)).reply
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, (text[:200], errors)
    for shown in [fallback_text(reply), *rendered_texts(blocks(reply))]:
        assert not _BROADCAST.search(shown), (text[:200], shown[:300])
    if reply.tone == Tone.ERROR:
        assert says_what_to_do(reply), (text[:200], reply)
        assert snapshot(database) == before, text[:200]
    return reply


def test_every_hostile_fragment_inside_a_working_command(seeded, database, caplog):
    """Each fragment once, put inside the text of a working command: saved as text, or refused cleanly."""
    caplog.set_level(logging.ERROR, logger="handlers")
    tones = [
        check(seeded, database, caplog, _in_text(WORKING[n % len(WORKING)], fragment), f"each-{n}").tone
        for n, fragment in enumerate(HOSTILE + LONG)
    ]
    assert tones.count(Tone.ERROR) < len(tones) // 2  # most are stored as the text they are


def test_hostile_commands_through_the_service(seeded, database, caplog):
    """A few hundred generated commands through CommandService.handle on a seeded project."""
    caplog.set_level(logging.ERROR, logger="handlers")
    numbers = iter(range(10**9))
    counted = {"rejected": 0, "accepted": 0}

    @settings(
        max_examples=SERVICE_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(service_inputs)
    def run(text: str) -> None:
        reply = check(seeded, database, caplog, text, f"fuzz-{next(numbers)}")
        counted["rejected" if reply.tone == Tone.ERROR else "accepted"] += 1

    run()
    assert counted["rejected"] > 0
    assert counted["accepted"] > 0
