"""Nothing personal leaves in any request, whichever way a summary is asked for.

The corpus of tests/data/pii.txt is posted as status updates by people with the ids Slack and Teams give
them, in a project whose name, success KPI and team glossary hold personal data too. Then every way a
summary reaches the model is driven through its command (`status`, `summary`, `digest preview`,
`explain`), with the real `openai` SDK against the loopback model (tests/fake_openai.py), and every
string of every request body it received (messages, any role, and the rest) is searched: no corpus
value, no personal value of the context, and no author's id is in any of them. People reach the model
as placeholders only.
"""

import json
import re

import pytest

from handlers.summaries.pseudonyms import strings
from tests import llm_chat as with_llm
from tests.fake_openai import FakeOpenAI
from tests.test_privacy_redaction import CORPUS

# The ids people post under: Slack users and workspace guests, Teams (Entra object ids, one starting with
# a digit) and a Bot Framework id, which pmbot keeps when Teams gives no object id.
AUTHORS = (
    "U024BE7LH",
    "W0123ABCD",
    "6f0b3a6e-1234-4f1c-9a1d-0123456789ab",
    "0b5c3a6e-1234-4f1c-9a1d-0123456789ab",
    "29:1AbCdEfGhIjKlMnOpQr",
)
# Personal data in what a request adds to the team's text: the project, its KPI, the team's glossary.
SETUP = (
    ('project new churn "Churn model for bob@example.org"', "bob@example.org"),
    ('kpi add "Calls to +33 6 12 34 56 78" baseline 40 target 10 lower-is-better', "+33 6 12 34 56 78"),
    ('glossary add "NPS" "ask maria.lopez@example.com for the survey"', "maria.lopez@example.com"),
)
TEXTS = [text for text, *_ in CORPUS] + ["NPS fell to 41"]  # the last one brings the team's term
PRIVATE = sorted(
    {value for _, *values in CORPUS for value in values} | {value for _, value in SETUP} | set(AUTHORS)
)

fake = with_llm.fake  # a fixture: pytest finds it in this module's namespace


@pytest.fixture
def chats(database, clock, chat_for, fake):
    """A chat per author, in the channel of project churn, with an LLM configured."""
    chat = with_llm.chat_with_llm(database, clock, chat_for, fake, project=SETUP[0][0])
    for command, _ in SETUP[1:]:
        assert chat(command).startswith("✓"), command
    return [chat.as_(author) for author in AUTHORS]


def sent_strings(request: dict) -> list[str]:
    """Every string of a request body, the JSON data of its user message read too (a value JSON escapes
    would otherwise hide), and the body as JSON text."""
    found = [*strings(request), json.dumps(request, ensure_ascii=False)]
    for message in request["messages"]:
        if message["role"] == "user":
            found += strings(json.loads(message["content"]))
    return found


def leaks(fake: FakeOpenAI, private: list[str]) -> list[tuple[int, str]]:
    """Each (request, value) where a private value is in a string of that request, as a whole word: the
    handle "tom" of one text is not the "Customer" of another."""
    found = []
    for index, request in enumerate(fake.requests):
        texts = sent_strings(request)
        for value in private:
            whole = re.compile(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])")
            found += [(index, value)] if any(whole.search(text) for text in texts) else []
    return found


def data(fake: FakeOpenAI, index: int) -> dict:
    return json.loads(fake.requests[index]["messages"][1]["content"])


def test_no_entry_point_sends_personal_data_or_authors_ids(chats, fake):
    asked = {}
    for number, text in enumerate(TEXTS):
        chat = chats[number % len(chats)]
        assert chat(f'status at-risk "{text}"').startswith("✓ Status of churn recorded"), text
        assert len(chat.later()) == 1
    asked["status"] = len(fake.requests)

    for name, command in (("summary", "summary"), ("digest", "digest preview")):
        start = len(fake.requests)
        assert chats[0](command).endswith("…")
        assert len(chats[0].later()) == 1
        asked[name] = len(fake.requests) - start
        updates = data(fake, -1)["updates"]
        assert len(updates) == len(TEXTS)
        assert {u["author"] for u in updates} == {f"⟦P{n}⟧" for n in range(1, len(AUTHORS) + 1)}

    start = len(fake.requests)
    for text in TEXTS:
        assert chats[1](f"explain {text}") == "Putting it in plain words…", text
        assert len(chats[1].later()) == 1
    asked["explain"] = len(fake.requests) - start

    assert asked == {"status": len(TEXTS), "summary": 1, "digest": 1, "explain": len(TEXTS)}
    assert leaks(fake, PRIVATE) == []
    # What the context adds went through the same gate: redacted, not left out.
    sent = data(fake, len(TEXTS) - 1)
    assert sent["project"]["name"] == "Churn model for [email]"
    assert sent["project"]["success_kpis"][0]["name"] == "Calls to [phone]"
    assert sent["glossary"] == {"NPS": "ask [email] for the survey"}


def test_the_search_finds_what_the_gate_lets_through(chats, fake):
    """The search itself: a plain name, which no rule takes, is found in the request that carries it."""
    chats[0]('status at-risk "Jane Roe approved"')
    chats[0].later()
    assert leaks(fake, ["Jane Roe", *PRIVATE]) == [(0, "Jane Roe")]
