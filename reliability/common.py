"""What the reliability runs share: a PostgreSQL database of their own, a real `pmbot run` process in
Slack's HTTP mode against the loopback Slack fake, signed slash commands, and the table of figures."""

import hashlib
import hmac
import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tests.throwaway_postgres import scratch_database

ROOT = Path(__file__).resolve().parent.parent
PMBOT = str(Path(sys.executable).with_name("pmbot"))
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0TEST"  # the fake Slack's workspace: the bot token belongs to it


def postgres() -> AbstractContextManager[str]:
    """A database of the run's own in RELIABILITY_DATABASE_URL (or TEST_DATABASE_URL), else on a
    throwaway server."""
    return scratch_database(os.environ.get("RELIABILITY_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))


class Pmbot:
    """`pmbot run` in Slack's HTTP mode on a free port, its log drained in a thread."""

    def __init__(self, database_url: str, api_url: str, *, scheduler: bool = False, workers: int = 8) -> None:
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PMBOT_", "DATABASE_URL", "SLACK_", "OPENAI_", "AZURE_", "MICROSOFT_"))
        }
        environment |= {
            "DATABASE_URL": database_url,
            "PMBOT_PORT": "0",
            "PMBOT_LOG_LEVEL": "WARNING",
            "PMBOT_WORKERS": str(workers),
            "PMBOT_SCHEDULER": "true" if scheduler else "false",
            "PMBOT_LINK_SECRET": "reliability-run-link-secret-0123456789abcdef",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
        }
        self.environment = environment
        self.process: subprocess.Popen[str] | None = None
        self.port = 0
        self.log: list[str] = []

    def start(self, timeout: float = 120) -> "Pmbot":
        listening = threading.Event()
        self.process = subprocess.Popen(
            [PMBOT, "run"],
            cwd=ROOT,
            env=self.environment | {"PMBOT_LOG_LEVEL": "INFO"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        process = self.process

        def drain() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                self.log.append(line)
                found = re.search(r"listening on port (\d+)", line)
                if found:
                    self.port = int(found.group(1))
                    listening.set()

        threading.Thread(target=drain, daemon=True).start()
        if not listening.wait(timeout):
            self.kill()
            raise RuntimeError("pmbot run never said it was listening:\n" + "".join(self.log[-30:]))
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, as a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)

    def errors(self) -> list[str]:
        return [line for line in self.log if " ERROR " in line or "Traceback" in line]


def slash_form(
    text: str, *, n: int, response_url: str, user: str = "U0ALICE", channel: str = "C0CHURN"
) -> str:
    """A signed-to-be /pm payload, as Slack sends it; `n` makes the trigger id (the request id) unique."""
    return urlencode(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": TEAM,
            "team_domain": "pmbot-test",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/pm",
            "text": text,
            "api_app_id": "A0PMBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{n}.738474920.reliability",
        }
    )


def signed_headers(body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


@dataclass
class Figure:
    name: str
    value: Any
    passed: bool | None = None  # None: a figure reported, not a pass/fail check

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")


def table(title: str, figures: list[Figure]) -> str:
    width = max(len(f.name) for f in figures)
    values = max(len(str(f.value)) for f in figures)
    lines = [title, "-" * (width + values + 10)]
    lines += [f"{f.name:<{width}}  {f.value!s:>{values}}  {f.verdict}" for f in figures]
    return "\n".join(lines)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min) {five:.1f} (5 min)"
