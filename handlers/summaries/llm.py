"""The LLM behind summaries: the official openai SDK, against any OpenAI-compatible endpoint.

Endpoints differ in what structured output they accept. We ask for a JSON schema first; an endpoint
that refuses it (HTTP 400) is asked for JSON mode, then for plain text, and the answer is validated
by the caller either way. The format that worked is remembered for the next calls.
"""

import json
import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import openai
from pydantic import BaseModel

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).with_name("prompts")
FORMATS = ("json_schema", "json_object", "text")


@dataclass(frozen=True)
class Prompt:
    """A versioned system prompt; its file name (`status-v1`) is its version, part of every cache key."""

    version: str
    text: str


@cache
def prompt(version: str) -> Prompt:
    return Prompt(version=version, text=(PROMPTS / f"{version}.md").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Answer:
    """What came back, and what it cost; `problem` says why the content cannot be used, if so."""

    content: str
    prompt_tokens: int
    completion_tokens: int
    problem: str = ""


class LlmError(Exception):
    """The LLM gave no usable answer; the message says why, for the log."""


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema made acceptable to strict structured output: no extra properties anywhere."""
    if schema.get("type") == "object":
        schema["additionalProperties"] = False
        schema["required"] = list(schema.get("properties", {}))
    for value in schema.values():
        for child in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            if isinstance(child, dict):
                _strict(child)
    return schema


def _response_format(kind: str, shape: type[BaseModel]) -> Any:
    """The `response_format` to send; for plain text none at all (some servers refuse even a null)."""
    if kind == "json_schema":
        schema = _strict(shape.model_json_schema())
        return {
            "type": "json_schema",
            "json_schema": {"name": shape.__name__, "schema": schema, "strict": True},
        }
    return {"type": "json_object"} if kind == "json_object" else openai.NOT_GIVEN


def json_object(content: str) -> dict[str, Any]:
    """The JSON object in an answer, also when a plain-text answer wraps it in prose or a code fence."""
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end < start:
        raise LlmError("the answer holds no JSON object")
    try:
        data = json.loads(content[start : end + 1])
    except json.JSONDecodeError as problem:
        raise LlmError(f"the answer is not valid JSON: {problem.msg}") from None
    if not isinstance(data, dict):
        raise LlmError("the answer is not a JSON object")
    return data


class Llm:
    def __init__(self, client: openai.OpenAI, *, model: str, language: str) -> None:
        self.client = client
        self.model = model
        self.language = language
        self._format = 0
        self._lock = threading.Lock()

    def ask(self, prompt: Prompt, data: dict[str, Any], shape: type[BaseModel], feedback: str = "") -> Answer:
        """The LLM's answer to `data` under `prompt`; raises LlmError when the call itself fails."""
        messages: list[dict[str, str]] = [
            {"role": "system", "content": prompt.text.format(language=self.language)},
            {"role": "user", "content": json.dumps(data, ensure_ascii=False)},
        ]
        if feedback:
            messages.append({"role": "system", "content": feedback})
        while True:
            kind = FORMATS[self._format]
            try:
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_format=_response_format(kind, shape),
                    temperature=0,
                )
                break
            except openai.BadRequestError as problem:
                if kind == FORMATS[-1]:
                    raise LlmError(f"the endpoint refused the request: {problem.status_code}") from None
                with self._lock:
                    self._format = max(self._format, FORMATS.index(kind) + 1)
                log.info("the LLM endpoint refused %s output; trying %s", kind, FORMATS[self._format])
            except openai.APITimeoutError:
                raise LlmError("the LLM did not answer in time") from None
            except openai.APIStatusError as problem:
                raise LlmError(f"the LLM answered HTTP {problem.status_code}") from None
            except openai.APIError as problem:
                raise LlmError(f"the LLM could not be reached: {type(problem).__name__}") from None
        usage = response.usage
        tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
        if not response.choices:
            return Answer("", *tokens, problem="the answer has no choices")
        choice = response.choices[0]
        if getattr(choice.message, "refusal", None):
            return Answer("", *tokens, problem="the LLM refused to answer")
        if choice.finish_reason == "length":
            return Answer("", *tokens, problem="the answer was cut off at the token limit")
        return Answer(choice.message.content or "", *tokens)
