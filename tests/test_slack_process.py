"""`pmbot run` as an operator starts it, in Slack's HTTP mode: a real process on a real port, the Web
API and the LLM played by loopback fakes. A command is answered while the LLM is still thinking."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from tests.fake_openai import FakeOpenAI, answer
from tests.fake_slack import FakeSlack
from tests.test_slack_http import SECRET, slash

PMBOT = str(Path(sys.executable).with_name("pmbot"))
SUMMARY = {"headline": "On track", "summary": "The labels arrived.", "business_impact": "", "asks": []}


class Endpoint:
    """Enough of tests.test_slack_http.Server for its post() helper: where the process listens."""

    def __init__(self, port: int) -> None:
        self.port = port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def test_pmbot_run_answers_a_command_while_the_llm_is_still_thinking(tmp_path):
    from tests.test_slack_http import post

    slack, llm = FakeSlack().start(), FakeOpenAI(default=answer(SUMMARY)).start()
    thinking = threading.Event()
    llm.script.append(answer(SUMMARY, hold=thinking))
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PMBOT_", "DATABASE_URL", "SLACK_", "OPENAI_"))
    }
    environment |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmbot.db'}",
        "PMBOT_PORT": "0",
        "PMBOT_LOG_LEVEL": "INFO",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "OPENAI_BASE_URL": llm.url,
    }
    process = subprocess.Popen(
        [PMBOT, "run"], cwd=tmp_path, env=environment, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        port, said = None, []
        for log_line in process.stderr:  # wait for the process to say it listens: no sleeping
            said.append(log_line)
            found = re.search(r"listening on port (\d+) \(Slack: http\)", log_line)
            if found:
                port = int(found.group(1))
                break
        assert port, "pmbot run never said it was listening"
        assert any("scheduler: sweeping every 0:01:00" in line for line in said)  # reminders, digests
        endpoint = Endpoint(port)
        project = slash(slack, 'project new churn "Churn model"')
        assert post(endpoint, project)[0] == 200
        assert slack.wait_for_response(project["response_url"].rsplit("/", 1)[1])

        status = slash(slack, 'status on-track "Labels arrived"')
        assert post(endpoint, status) == (200, "")  # answered while the LLM holds its answer
        assert slack.wait_for_response(status["response_url"].rsplit("/", 1)[1])
        with sqlite3.connect(tmp_path / "pmbot.db") as db:
            assert db.execute("select count(*), max(summary_source) from statusupdate").fetchone() == (
                1,
                None,
            )

        thinking.set()
        name = status["response_url"].rsplit("/", 1)[1]
        assert slack.wait_for_response(name, count=2)
        assert "The labels arrived." in slack.responses(name)[1]["text"]
        with sqlite3.connect(tmp_path / "pmbot.db") as db:
            assert db.execute("select count(*), max(summary_source) from statusupdate").fetchone() == (
                1,
                "llm",
            )
    finally:
        thinking.set()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        slack.stop()
        llm.stop()
