"""A loopback server that plays an OpenAI-compatible chat completions endpoint for the real `openai` SDK.

It records every request body and answers from a script of behaviours the test sets: a JSON answer,
an HTTP error, a refusal, a connection closed without an answer, a held answer (released by the test, never by sleeping), or a 400 for a
response format the endpoint "does not support".
"""

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import JsonHandler, Loopback, serve


@dataclass
class Behaviour:
    content: str = ""
    status: int = 200
    refusal: str | None = None
    finish_reason: str = "stop"
    hold: threading.Event | None = None  # answer only once the test sets it
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # answer after this many seconds: a slow model, for the benchmarks (bench/)


def answer(data: dict[str, Any] | str, **options: Any) -> Behaviour:
    return Behaviour(content=data if isinstance(data, str) else json.dumps(data), **options)


@dataclass
class FakeOpenAI(Loopback):
    script: deque[Behaviour] = field(default_factory=deque)
    default: Behaviour = field(
        default_factory=lambda: answer({"headline": "ok", "summary": "ok", "business_impact": "", "asks": []})
    )
    unsupported_formats: set[str] = field(default_factory=set)
    requests: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # Azure puts the deployment and API version here
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for_requests(self, count: int, timeout: float = 10) -> bool:
        """Block until `count` requests arrived (woken by each arrival, no polling)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.arrived:
                    fake.requests.append(body)
                    fake.paths.append(self.path)
                    fake.arrived.notify_all()
                if not self.path.split("?")[0].endswith("/chat/completions"):
                    return self.send_json(
                        404, {"error": {"message": "not found", "type": "invalid_request_error"}}
                    )
                kind = (body.get("response_format") or {}).get("type", "text")
                if kind in fake.unsupported_formats:
                    error = {
                        "message": f"response_format {kind} is not supported",
                        "type": "invalid_request_error",
                    }
                    return self.send_json(400, {"error": error})
                behaviour = fake.script.popleft() if fake.script else fake.default
                if behaviour.hold is not None:
                    behaviour.hold.wait(timeout=30)
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                if behaviour.drop:
                    self.close_connection = True
                    return self.connection.shutdown(socket.SHUT_RDWR)
                if behaviour.status != 200:
                    return self.send_json(
                        behaviour.status, {"error": {"message": "server error", "type": "server_error"}}
                    )
                message = {"role": "assistant", "content": behaviour.content, "refusal": behaviour.refusal}
                completion = {
                    "id": f"chatcmpl-{len(fake.requests)}",
                    "object": "chat.completion",
                    "created": 1_790_000_000,
                    "model": body.get("model", ""),
                    "choices": [
                        {
                            "index": 0,
                            "message": message,
                            "finish_reason": behaviour.finish_reason,
                            "logprobs": None,
                        }
                    ],
                    "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
                }
                return self.send_json(200, completion)

        self.server = serve(Handler)
        return self

    @property
    def url(self) -> str:
        return f"{self.root}/v1"

    def sent_text(self, index: int = -1) -> str:
        """Everything a request sent to the model, as one string."""
        return "\n".join(m["content"] for m in self.requests[index]["messages"])
