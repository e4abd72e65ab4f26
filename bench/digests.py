"""Benchmark 3, digest fan-out: one tenant's 1,000 projects, each with a week of 20 status updates, 5
risks and 3 decisions, get their weekly digest through the scheduler (bench/digest_worker.py, its own
process), with an LLM fake answering in 0.5 s and a Slack fake accepting 1 message/s per channel.

pmbot's own defaults: PMBOT_SEND_CONCURRENCY messages at a time, on PMBOT_WORKERS threads.
Ideal time: LLM calls ÷ configured concurrency × 0.5 s. A digest makes one LLM call (the week's updates
summarised together) and caches it: sending the same week again makes none."""

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import seed
from bench.processes import PYTHON, ROOT
from bench.report import Result
from bot.settings import CoreSettings, SchedulerSettings
from storage.db import create_db_engine
from tests.fake_openai import FakeOpenAI, answer
from tests.fake_slack import FakeSlack

LLM_SECONDS = 0.5
CONCURRENCY = SchedulerSettings.model_fields["send_concurrency"].default
WORKERS = CoreSettings.model_fields["workers"].default
DIGEST = {
    "headline": "Pilot moving",
    "points": [{"text": "The vendor delivered the data and the pilot went on.", "sources": [1, 2]}],
    "asks": [],
}


def _week_end() -> datetime:
    """Friday 16:00 UTC of last week: every project's digest time (fri 16:00, UTC)."""
    today = datetime.now(UTC).replace(hour=16, minute=0, second=0, microsecond=0)
    return today - timedelta(days=(today.weekday() - 4) % 7 or 7)


def _worker(url: str, slack: FakeSlack, llm: FakeOpenAI, now: datetime, *, again: bool) -> dict[str, float]:
    argv = [
        PYTHON, "-m", "bench.digest_worker", "--db", url, "--slack-api", slack.api_url, "--llm", llm.url,
        "--concurrency", str(CONCURRENCY), "--workers", str(WORKERS), "--now", now.isoformat(),
    ] + (["--again"] if again else [])  # fmt: skip
    done = subprocess.run(
        argv,
        capture_output=True,
        check=True,
        cwd=ROOT,
        timeout=900,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def run(workdir: Path, *, quick: bool) -> Result:
    count = 32 if quick else 1000  # a multiple of the concurrency (4): the ideal is reachable
    result = Result(
        f"3. Digest fan-out ({count} projects, LLM {LLM_SECONDS:g} s a call, Slack 1 message/s per channel)"
    )
    slack = FakeSlack(channel_rate=1.0).start()
    llm = FakeOpenAI(default=answer(DIGEST, delay=LLM_SECONDS)).start()
    try:
        url = seed.fresh_database("sqlite", workdir, "digests", None)
        engine = create_db_engine(url)
        now = _week_end()
        quiet = seed.History(
            projects=count,
            days=60,
            updates=1,
            risks=0,
            open_risks=0,
            deliverables=0,
            open_deliverables=0,
            overdue=0,
            decisions=0,
            audit=0,
        )
        seed.tenant(engine, tenant_id="TDIGEST", history=quiet, now=now - timedelta(days=8))
        seed.week(engine, tenant_id="TDIGEST", now=now, updates=20, risks=5, decisions=3)
        engine.dispose()
        first = _worker(url, slack, llm, now + timedelta(minutes=1), again=False)
        calls = len(llm.requests)
        second = _worker(url, slack, llm, now + timedelta(minutes=1), again=True)
        again_calls = len(llm.requests) - calls
    finally:
        slack.stop()
        llm.stop()
    ideal = calls / CONCURRENCY * LLM_SECONDS
    posted = len(slack.calls_to("chat.postMessage")) - slack.rate_limited
    result.figure("digests due / sent (first run)", first["dues"], f"/ {first['sent']:.0f}")
    result.figure("messages Slack accepted / answered 429 (both runs)", posted, f"/ {slack.rate_limited}")
    result.figure("LLM calls, first run", calls)
    result.figure(
        f"delivery time, first run (ideal {ideal:.1f} s at concurrency {CONCURRENCY})", first["seconds"], "s"
    )
    result.figure("delivery time, second run of the same week", second["seconds"], "s")
    result.figure(
        "worker resident memory started / idle (first digest's one-off work done) / peak",
        first["started_mb"],
        f"MB / {first['idle_mb']:.0f} MB / {first['peak_mb']:.0f} MB",
    )
    result.target(
        "all digests delivered, first run", first["sent"] / max(1, first["dues"]), 1.0, at_least=True
    )
    result.target("delivery time ÷ ideal", first["seconds"] / max(ideal, 1e-9), 1.25, "×")
    result.target("LLM calls ÷ projects", calls / count, 1.0)
    result.target("LLM calls when the same week is sent again", again_calls, 0)
    result.target("peak memory ÷ idle", first["peak_mb"] / first["idle_mb"], 1.5, "×")
    return result
