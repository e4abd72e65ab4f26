"""Personal data never reaches the LLM: a corpus of status texts (tests/data/pii.txt: e-mail addresses,
phone numbers in several formats, IBANs, Luhn-valid card numbers, people named by mentions and
@handles, national identity numbers, secrets) is posted with an LLM configured, and what the loopback
model (tests/fake_openai.py) receives over HTTP holds none of it, in any message of any request. People
go as placeholders (tests/test_privacy_pseudonyms.py); the other ways a summary is asked for, and what
they add to the text, are searched in tests/test_privacy_entry_points.py.

Text that may hold personal data no rule can replace for sure (tests/data/pii_doubtful.txt: an address
spelled out to dodge filters, a mistyped card number, an IBAN in lower case) is not sent at all: its
summary is made offline. So is text whose redaction fails.
"""

from pathlib import Path

import pytest

from handlers import redact as redaction
from tests import llm_chat as with_llm

DATA = Path(__file__).parent / "data"

fake = with_llm.fake  # a fixture: pytest finds it in this module's namespace


def lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


CORPUS = [tuple(line.split("\t")) for line in lines("pii.txt")]
DOUBTFUL = lines("pii_doubtful.txt")


@pytest.fixture
def llm_chat(database, clock, chat_for, fake):
    chat = with_llm.chat_with_llm(database, clock, chat_for, fake)
    return chat


def summary_of(chat, text: str) -> str:
    assert chat(f'status at-risk "{text}"').startswith("✓ Status of churn recorded"), text
    (summary,) = chat.later()
    return summary


def test_the_corpus_covers_every_kind_of_personal_data():
    assert len(CORPUS) >= 30
    found = {kind for text, *_ in CORPUS for kind in redaction.redact(text).found}
    assert found == {"email", "person", "phone", "iban", "id", "card", "secret"}


def test_no_personal_data_reaches_the_llm(llm_chat, fake):
    leaks = []
    for text, *private in CORPUS:
        before = len(fake.requests)
        summary_of(llm_chat, text)
        assert len(fake.requests) == before + 1, text  # the model was asked
        sent = "\n".join(fake.sent_text(i) for i in range(before, len(fake.requests)))
        leaks += [(text, value) for value in private if value in sent]
    assert leaks == []


@pytest.mark.parametrize("text", DOUBTFUL)
def test_what_cannot_be_redacted_for_sure_is_summarised_offline(llm_chat, fake, text, caplog):
    summary = summary_of(llm_chat, text)
    assert fake.requests == []
    assert "Written by pmbot without AI" in summary
    assert "could not be redacted" in caplog.text


def test_a_redaction_that_fails_sends_nothing_and_summarises_offline(llm_chat, fake, monkeypatch, caplog):
    def broken(_text: str) -> redaction.Redacted:
        raise RecursionError("a rule that breaks on some text")

    monkeypatch.setattr("handlers.summaries.pseudonyms.redact", broken)
    summary = summary_of(llm_chat, "Labels are late")
    assert fake.requests == []
    assert "Written by pmbot without AI" in summary
    assert "the text could not be redacted" in caplog.text
