"""pmbot's real web server for Slack tests, and requests to it as Slack (or a browser) sends them.

`Server` runs it on its own event loop in a thread, as `pmbot run` would; `post` and `post_event` sign
what they send with slack_sdk's SignatureVerifier; `slash` builds a /pm payload answering to a
response_url on the loopback fake (tests/fake_slack.py) and `answer` waits for what pmbot posted there.
"""

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.app import create_app
from bot.server import Running, start
from bot.settings import SchedulerSettings, Settings
from handlers.clock import Clock, utc_now
from tests.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# The scheduler is tested on its own with a driven clock (tests/test_scheduler_*.py); in these servers
# it would tick on the wall clock beside the requests under test.
QUIET_SCHEDULER = SchedulerSettings.model_validate({"PMBOT_SCHEDULER": False})
SLASH = json.loads((Path(__file__).parent / "data" / "slack" / "slash_command.json").read_text())


class Server:
    """pmbot's web server on its own event loop in a thread, as `pmbot run` would run it."""

    def __init__(self, settings: Settings, *, clock: Clock = utc_now, **options: Any) -> None:
        """`options` go to bot.server.start, such as Teams' `insecure_local`; `clock` to the app."""
        self.app = create_app(settings, clock=clock)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.running: Running = self._wait(start(self.app, host="127.0.0.1", port=0, **options))
        self._resident = self._wait(_tasks())  # what runs for as long as the server does

    def _wait(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.running.port}{path}"

    def settle(self) -> None:
        """Wait for the work still running on the server's loop, such as an event listener that runs
        after Bolt acknowledged its event."""

        async def done() -> None:
            running = asyncio.all_tasks() - self._resident - {asyncio.current_task()}
            if running:
                await asyncio.wait(running, timeout=10)

        self._wait(done())

    def close(self) -> None:
        self._wait(self.running.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.app.close()


async def _tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


def _signed(server: Server, body: str, content_type: str, *, secret: str, age: int) -> tuple[int, str]:
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    request = urllib.request.Request(
        server.url("/slack/events"),
        data=body.encode(),
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as problem:
        return problem.code, problem.read().decode()


def post(server: Server, form: dict[str, str], *, secret: str = SECRET, age: int = 0) -> tuple[int, str]:
    """POST a form to /slack/events signed as Slack signs it (v0 HMAC of timestamp and body)."""
    return _signed(server, urlencode(form), "application/x-www-form-urlencoded", secret=secret, age=age)


def post_event(server: Server, payload: dict[str, Any], *, secret: str = SECRET) -> tuple[int, str]:
    """POST an Events API delivery (JSON) to /slack/events, signed as Slack signs it."""
    return _signed(server, json.dumps(payload), "application/json", secret=secret, age=0)


counter = iter(range(1, 1_000_000))


def slash(slack: FakeSlack, text: str, **fields: str) -> dict[str, str]:
    """A /pm payload as Slack sends it, answering to a response_url on the fake."""
    n = next(counter)
    return (
        SLASH
        | {"text": text, "trigger_id": f"{n}.738474920.trigger", "response_url": slack.response_url(f"r{n}")}
        | fields
    )


def answer(slack: FakeSlack, form: dict[str, str]) -> dict[str, Any]:
    """What pmbot posted to the command's response_url, once it arrives."""
    name = form["response_url"].rsplit("/", 1)[1]
    assert slack.wait_for_response(name), f"no answer arrived at {name}"
    return slack.responses(name)[0]
