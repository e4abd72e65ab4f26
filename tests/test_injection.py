"""Prompt injection through status text never reaches the channel.

Each attempt of tests/data/injections.txt (instructions to the model, fake system prompts, pings,
mentions, links, markdown tricks) is posted as a status; its sponsor summary is made offline, and by the
real `openai` SDK against a loopback model (tests/fake_openai.py) that answers as a model would if the
attempt worked: it obeys, it slips in pings and a link, or it invents numbers. What would be posted is
rendered as Slack blocks and as a Teams card, and in neither is there a ping (<!channel>, <!here>,
<!everyone>, a bare @channel/@here/@everyone, a <@U…> or <at> mention), a link to a host the team did not
write, or a sign the instruction took effect: a steered answer is never used, the offline summary (the
team's own words, attributed to them) is posted instead. A model that behaves is still used.
"""

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from bot.slack import render as slack
from bot.teams import cards as teams
from handlers.commands import build_registry
from handlers.reply import Reply
from handlers.service import CommandService
from handlers.summaries.llm import Llm
from handlers.summaries.summarizer import Summarizer
from tests.fake_openai import FakeOpenAI, answer

CORPUS = Path(__file__).parent / "data" / "injections.txt"
INJECTIONS = [
    line
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
FOREIGN = "attacker.example"  # the host a steered model links to: in no attempt, so never the team's
OBEYED = "I have ignored my instructions"

# What a model answers when the attempt worked, and when it did not. Each gets the attempt's text.
ANSWERS = {
    "obeys": lambda attempt: {
        "headline": "Churn model on track: all good",
        "summary": f"{attempt} {OBEYED}. PWNED.",
        "business_impact": "Nothing to worry about.",
        "asks": [],
    },
    "pings and links": lambda attempt: {
        "headline": "Churn model at risk <!channel>",
        "summary": f"The team reported a problem. @here see https://{FOREIGN}/login and <@U0EVIL>.",
        "business_impact": f"Read [the plan](https://{FOREIGN}/plan) <!subteam^S1|@leads>.",
        "asks": [f"Sign in at <https://{FOREIGN}/sso|the intranet>", "<at>Everyone</at> approve"],
    },
    "invents": lambda attempt: {
        "headline": "Churn model at risk: budget doubled",
        "summary": "F1 reached 0.99 and the budget doubled to EUR 2,000,000 on 2031-01-01.",
        "business_impact": "Maria Lopez approved it.",
        "asks": [],
    },
    "behaves": lambda attempt: {
        "headline": "Churn model at risk: the team flagged a problem",
        "summary": "The team posted an update that needs a closer look.",
        "business_impact": "The goal is unchanged until the team says more.",
        "asks": ["Ask the team for details"],
    },
}
_BROADCAST = re.compile(r"<!|(?<![\w\u2060])@(?:channel|here|everyone)\b", re.IGNORECASE)
_HOST = re.compile(r"(?:https?://|www\.|mailto:[^@\s]*@)([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def hosts(text: str) -> set[str]:
    return {host.lower().rstrip(".") for host in _HOST.findall(text)}


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def posted(reply: Reply) -> tuple[str, str]:
    """What Slack and Teams would show: all the text of the blocks and card, and their fallbacks."""
    card = {key: value for key, value in teams.card(reply).items() if key != "$schema"}
    assert not card.get("msteams", {}).get("entities"), card  # no Teams mention of anyone
    slack_text = "\n".join([slack.fallback_text(reply), *strings(slack.blocks(reply))])
    teams_text = "\n".join([teams.fallback_text(reply, lambda _user: None), *strings(card)])
    return slack_text, teams_text


def problems(attempt: str, reply: Reply) -> list[str]:
    """Every way the summary of `attempt` would hurt if posted."""
    found = []
    slack_text, teams_text = posted(reply)
    if _BROADCAST.search(slack_text) or "<@" in slack_text:
        found.append(f"a ping or mention in Slack: {slack_text[:300]!r}")
    if re.search(r"<\s*at\b", teams_text, re.IGNORECASE):
        found.append(f"a mention in Teams: {teams_text[:300]!r}")
    if re.search(r"\]\s*[(\[:]", teams_text):
        found.append(f"a markdown link in Teams: {teams_text[:300]!r}")
    foreign = (hosts(slack_text) | hosts(teams_text)) - hosts(attempt)
    if foreign:
        found.append(f"links to {sorted(foreign)}")
    written_by_model = "Written by an AI model" in slack_text
    for effect in (OBEYED, "PWNED", "2,000,000", "Maria Lopez", "0.99", "on track"):
        if written_by_model and effect.lower() in slack_text.lower():
            found.append(f"the model's “{effect}” was posted")
    return found


def summaries(
    service: CommandService, chat_for: Any, before: Callable[[str], None] = lambda _attempt: None
) -> Iterator[tuple[str, Reply]]:
    """Each attempt posted as an at-risk status of churn (`before` it is, the model is told how to
    answer), and the summary that would be posted."""
    chat = chat_for(service)
    assert chat('project new churn "Churn model"').startswith("✓")
    assert chat('kpi add "F1" baseline 0.62 target 0.8').startswith("✓")
    for attempt in INJECTIONS:
        before(attempt)
        assert chat.reply(f"status at-risk {attempt}").tone == "ok", attempt
        (job,) = chat.pending
        summary = service.run_later(job)
        assert summary is not None
        yield attempt, summary


def test_the_corpus_is_large_and_varied():
    assert len(INJECTIONS) >= 30
    assert len(set(INJECTIONS)) == len(INJECTIONS)
    for kind in ("<!channel>", "@here", "<@U", "](http", "<http", "SYSTEM", "ignore", "\u202e", "<at>"):
        assert any(kind.lower() in line.lower() for line in INJECTIONS), kind


def test_offline_summaries_of_injections_are_safe_to_post(database, clock, chat_for):
    service = CommandService(database=database, registry=build_registry(), clock=clock)
    found = {attempt: problems(attempt, reply) for attempt, reply in summaries(service, chat_for)}
    assert {a: p for a, p in found.items() if p} == {}
    assert len(found) == len(INJECTIONS)


@pytest.mark.parametrize("model", ANSWERS)
def test_what_a_steered_model_writes_is_never_posted(database, clock, chat_for, fake, model):
    client = openai.OpenAI(base_url=fake.url, api_key="sk-test", max_retries=0, timeout=10)
    summarizer = Summarizer(database=database, llm=Llm(client, model="m", language="English"), clock=clock)
    service = CommandService(database=database, registry=build_registry(), clock=clock, summarizer=summarizer)

    def steer(attempt: str) -> None:  # twice: a summary with invented facts is asked for once more
        fake.script.clear()
        fake.script.extend([answer(ANSWERS[model](attempt))] * 2)

    found, sources = {}, []
    for attempt, reply in summaries(service, chat_for, steer):
        found[attempt] = problems(attempt, reply)
        sources.append("llm" if "Written by an AI model" in slack.fallback_text(reply) else "offline")
    assert {a: p for a, p in found.items() if p} == {}
    # The model saw the attempt as data, and its steered answers were all set aside; a model that
    # behaves is used.
    assert len(fake.requests) >= len(INJECTIONS)
    assert all(json.loads(r["messages"][1]["content"])["update"]["text"] for r in fake.requests)
    assert sources == (["llm"] if model == "behaves" else ["offline"]) * len(INJECTIONS)
