"""`pmbot run --teams --insecure-local` as an operator starts it: a real process on a real port, answering
Teams-shaped activities POSTed to /api/messages by posting Adaptive Cards to their serviceUrl (the
loopback Bot Connector of tests/fake_connector.py)."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.fake_connector import FakeConnector, activity

PMBOT = str(Path(sys.executable).with_name("pmbot"))
THREAD = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2;messageid=1795000000001"


def _environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PMBOT_", "DATABASE_URL", "SLACK_", "OPENAI_", "MICROSOFT_", "BOT_"))
    }
    return environment | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pmbot.db'}",
        "PMBOT_PORT": "0",
        "PMBOT_LOG_LEVEL": "INFO",
    }


def test_pmbot_run_teams_insecure_local_answers_a_channel_message_with_an_adaptive_card(tmp_path):
    connector = FakeConnector().start()
    process = subprocess.Popen(
        [PMBOT, "run", "--teams", "--insecure-local"],
        cwd=tmp_path,
        env=_environment(tmp_path),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        port, said = None, []
        for log_line in process.stderr:  # wait for the process to say it listens: no sleeping
            said.append(log_line)
            found = re.search(r"listening on port (\d+) \(Slack: off, Teams: insecure-local\)", log_line)
            if found:
                port = int(found.group(1))
                break
        assert port, "pmbot run never said it was listening:\n" + "".join(said)
        assert any("TEAMS AUTHENTICATION IS OFF" in line for line in said)
        url = f"http://127.0.0.1:{port}/api/messages"

        def say(text: str) -> dict:
            before = len(connector.posted)
            message = connector.shape(activity("channel_message", text=f"<at>pmbot</at> {text}"))
            message["id"] = f"17951{before:08d}"
            status, _ = connector.deliver(url, message)
            assert status in (200, 201)
            return connector.wait_for(before + 1)[before].card

        say('project new churn "Churn model"')
        say("risk add Label noise in Q3 data p=4 i=3")
        before = len(connector.posted)
        card = say("risks")
        posted = connector.posted[before]
        assert posted.method == "POST"
        assert posted.conversation_id == THREAD
        assert card["type"] == "AdaptiveCard"
        assert card["version"] == "1.5"
        assert card["body"][0]["text"] == "Open risks of churn, highest score first"
        assert "R-1 · score 12 (p4×i3) · Label noise in Q3 data · no owner" in card["body"][1]["text"]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        connector.stop()


def test_pmbot_run_teams_without_an_app_says_what_to_set(tmp_path):
    done = subprocess.run(
        [PMBOT, "run", "--teams"], cwd=tmp_path, env=_environment(tmp_path), capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD" in done.stderr
    assert "--insecure-local" in done.stderr


def test_insecure_local_is_refused_when_an_app_is_configured(tmp_path):
    environment = _environment(tmp_path) | {
        "MICROSOFT_APP_ID": "00000000-0000-0000-0000-00000000b0b0",
        "MICROSOFT_APP_PASSWORD": "secret",
    }
    done = subprocess.run(
        [PMBOT, "run", "--teams", "--insecure-local"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "--insecure-local turns Teams' token checks off" in done.stderr
