"""The LLM client built from settings: none by default, OpenAI-compatible, local, or Azure OpenAI."""

import pytest

from bot.llm import create_llm
from bot.settings import LlmSettings
from handlers.summaries.llm import prompt
from handlers.summaries.model import Summary
from tests.fake_openai import FakeOpenAI, answer

GOOD = {"headline": "Fine", "summary": "All fine.", "business_impact": "", "asks": []}


@pytest.fixture
def fake():
    server = FakeOpenAI(default=answer(GOOD)).start()
    yield server
    server.stop()


def settings(**values: object) -> LlmSettings:
    return LlmSettings.model_validate(values)


def test_no_llm_is_configured_by_default():
    assert create_llm(settings()) is None


def test_a_local_server_needs_only_its_address(fake):
    llm = create_llm(settings(OPENAI_BASE_URL=fake.url, PMBOT_LLM_MODEL="llama3.2"))
    assert llm is not None
    llm.ask(prompt("explain-v1"), {"text": "hi"}, Summary)
    assert fake.paths == ["/v1/chat/completions"]
    assert fake.requests[0]["model"] == "llama3.2"


def test_azure_openai_is_reached_through_its_own_settings(fake):
    llm = create_llm(
        settings(
            AZURE_OPENAI_ENDPOINT=fake.root, AZURE_OPENAI_API_KEY="azure-key", PMBOT_LLM_MODEL="summaries"
        )
    )
    assert llm is not None
    llm.ask(prompt("explain-v1"), {"text": "hi"}, Summary)
    assert fake.paths == ["/openai/deployments/summaries/chat/completions?api-version=2024-10-21"]


def test_timeout_and_retries_are_always_set_explicitly():
    llm = create_llm(settings(OPENAI_API_KEY="sk-test"))
    assert llm is not None
    assert llm.client.timeout == 20.0
    assert llm.client.max_retries == 1


def test_the_api_key_never_shows_in_the_settings_repr():
    assert "sk-very-secret" not in repr(settings(OPENAI_API_KEY="sk-very-secret"))
