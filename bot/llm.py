"""Building the summaries' LLM client from the settings."""

import openai

from bot.settings import LlmSettings
from handlers.summaries.llm import Llm

# Local servers (Ollama, vLLM) need no key, but the SDK insists on one.
NO_KEY = "not-needed"


def create_llm(settings: LlmSettings) -> Llm | None:
    """The LLM the settings name, or None (offline summaries) when none is configured.

    Timeout and retries are always set: the SDK's defaults can hold a call for many minutes.
    """
    if not settings.configured:
        return None
    client: openai.OpenAI
    if settings.azure_endpoint:
        client = openai.AzureOpenAI(
            azure_endpoint=settings.azure_endpoint,
            api_key=settings.azure_api_key.get_secret_value() if settings.azure_api_key else None,
            api_version=settings.azure_api_version,
            timeout=settings.timeout,
            max_retries=settings.retries,
        )
    else:
        client = openai.OpenAI(
            api_key=settings.api_key.get_secret_value() if settings.api_key else NO_KEY,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=settings.retries,
        )
    return Llm(client, model=settings.model, language=settings.language)
