"""Benchmark 5, start-up and footprint: `pmbot --help` against a bare `python -c pass` (the SDKs are
imported by the subcommands that use them), and the resident memory of `pmbot run` serving Slack (HTTP
mode) and Teams, idle, with its scheduler on."""

import subprocess
import time
from pathlib import Path

from bench.processes import PMBOT, PYTHON, free_port, rss_mb, start, stop, wait_until_up
from bench.report import Result, median
from tests.fake_slack import FakeSlack

HELP_LIMIT = 10.0
RSS_LIMIT_MB = 150.0


def _seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def run(workdir: Path, *, quick: bool) -> Result:
    result = Result("5. Start-up and footprint")
    rounds = 5 if quick else 11
    bare, helped = [], []
    _seconds([PYTHON, "-c", "pass"])  # the files in the page cache
    _seconds([PMBOT, "--help"])
    for _ in range(rounds):  # side by side, so that both see the same machine
        bare.append(_seconds([PYTHON, "-c", "pass"]))
        helped.append(_seconds([PMBOT, "--help"]))
    result.figure("python -c pass, median", median(bare) * 1000, "ms")
    result.figure("pmbot --help, median", median(helped) * 1000, "ms")
    result.target("pmbot --help ÷ python -c pass", median(helped) / median(bare), HELP_LIMIT, "×")

    slack = FakeSlack().start()
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'idle.db'}",
        "PMBOT_PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": slack.api_url,
        "MICROSOFT_APP_ID": "00000000-0000-4000-8000-000000000001",
        "MICROSOFT_APP_PASSWORD": "bench-password",
        "PMBOT_LOG_LEVEL": "WARNING",
    }
    process = start([PMBOT, "run"], env, workdir / "idle.log")
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        time.sleep(3 if quick else 10)  # idle: the scheduler's first ticks have run
        samples = []
        for _ in range(5):
            samples.append(rss_mb(process.pid))
            time.sleep(0.2)
    finally:
        stop(process)
        slack.stop()
    result.figure("pmbot run (Slack HTTP + Teams, scheduler on), idle RSS", max(samples), "MB")
    result.target("pmbot run idle resident memory", max(samples), RSS_LIMIT_MB, " MB")
    return result
