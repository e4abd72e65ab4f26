"""Two scheduler processes on one PostgreSQL database send every message exactly once.

Only on PostgreSQL (TEST_DATABASE_URL, as CI sets it): pmbot on SQLite is one process.
"""

import json
import os
import selectors
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import outbox

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack fixture

SCRIPT = Path(__file__).with_name("scheduler_process.py")
FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
KEYS = ("churn", "ocr", "fraud", "pricing", "search", "voice")

if os.environ.get("TEST_DATABASE_URL"):

    @pytest.mark.parametrize("database", ["postgresql"], indirect=True)
    def test_two_scheduler_processes_on_one_postgresql_database_send_every_message_once(
        chat, slack, database, clock
    ):
        for n, key in enumerate(KEYS):  # six digests due on Friday 16:00, six people with overdue work
            here = chat.as_(channel=f"C-{key}")
            assert here(f'project new {key} "{key.title()} model"').startswith("✓")
            here("settings review off")
            here('status on-track "Going well"')
            assert here(f'deliverable add "Report" owner @person{n} due tomorrow').startswith("✓")
        slack.users.update({f"person{n}": {"tz": "UTC"} for n in range(len(KEYS))})
        held = slack.hold_next("chat.postMessage")  # whoever sends first is stuck until the other is done

        url = database.engine.url.render_as_string(hide_password=False)
        times = [FRIDAY_16.isoformat(), FRIDAY_16.replace(minute=1).isoformat()]
        processes = [
            subprocess.Popen(
                [sys.executable, str(SCRIPT), url, slack.api_url, *times],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).parent.parent,
            )
            for _ in range(2)
        ]
        try:
            for process in processes:
                assert process.stdout.readline() == "ready\n"
            for process in processes:
                process.stdin.write("go\n")
                process.stdin.flush()
            slack.wait_for("chat.postMessage", timeout=30)  # one process is now stuck in a send

            sent: dict[int, list[str]] = {0: [], 1: []}
            lines = {0: 0, 1: 0}
            with selectors.DefaultSelector() as waiting:
                for n, process in enumerate(processes):
                    waiting.register(process.stdout, selectors.EVENT_READ, n)
                while any(count < len(times) for count in lines.values()):
                    for ready, _ in waiting.select(timeout=60):
                        n = ready.data
                        sent[n] += json.loads(processes[n].stdout.readline())
                        lines[n] += 1
                        if lines[n] == len(times):  # this one is done: let the stuck one go on
                            waiting.unregister(ready.fileobj)
                            held.set()
            for process in processes:
                assert process.wait(timeout=30) == 0
        finally:
            held.set()
            for process in processes:
                if process.poll() is None:
                    process.kill()

        expected = {f"digest:{key}:2026-W47" for key in KEYS} | {
            f"overdue:person{n}:2026-11-20" for n in range(len(KEYS))
        }
        assert sorted(sent[0] + sent[1]) == sorted(expected)  # every message once, between the two
        assert sent[0], "both took part"
        assert sent[1], "both took part"
        channels = [call.args["channel"] for call in slack.calls_to("chat.postMessage")]
        assert sorted(channels) == sorted(set(channels))  # Slack got each once: no channel or DM twice
        assert len(channels) == len(expected)
        with database.session(write=False) as db:
            rows = outbox.of_tenant(db, tenant_id="T1")
        assert {(m.key, m.status, m.attempts) for m in rows} == {(key, "sent", 1) for key in expected}
