"""A chat whose summaries go to the loopback OpenAI-compatible fake, in the channel of project churn:
the privacy tests read what that fake received."""

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from handlers.commands import build_registry
from handlers.service import CommandService
from handlers.summaries.llm import Llm
from handlers.summaries.summarizer import Summarizer
from tests.fake_openai import FakeOpenAI


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    yield server
    server.stop()


def chat_with_llm(
    database: Any,
    clock: Any,
    chat_for: Any,
    fake: FakeOpenAI,
    project: str = 'project new churn "Churn model"',
) -> Any:
    """A chat (tests/conftest.py) with the model configured, after `project` made project churn."""
    client = openai.OpenAI(base_url=fake.url, api_key="sk-test", max_retries=0, timeout=10)
    summarizer = Summarizer(database=database, llm=Llm(client, model="m", language="English"), clock=clock)
    chat = chat_for(
        CommandService(database=database, registry=build_registry(), clock=clock, summarizer=summarizer)
    )
    assert chat(project).startswith("✓")
    return chat
