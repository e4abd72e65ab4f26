"""Benchmarks 1 and 2, the command path in Slack HTTP mode: signed `/pm status …` and `/pm risks`
requests from the load generator (bench/load.py, its own process) to `pmbot run` (its own process, on
the embedded SQLite database), and the same load to a bare Bolt app that only acks (bench/bare.py). The
Slack Web API and the LLM are loopback fakes in this process (tests/fake_slack.py, tests/fake_openai.py).

1. pmbot's acknowledgement latency against the bare app's, measured in alternating rounds; afterwards
   every status must be stored once.
2. The same load with an LLM that answers after 10 s: the acks must not notice; every summary arrives
   afterwards; pmbot's threads and memory stay bounded.
"""

import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import seed
from bench.processes import PMBOT, PYTHON, free_port, rss_mb, start, stop, wait_until_up
from bench.report import Result, median, percentile
from handlers.clock import utc_now
from storage.db import create_db_engine
from storage.models import StatusUpdate
from tests.fake_openai import FakeOpenAI, answer
from tests.fake_slack import FakeSlack

SECRET = "bench-signing-secret-0123456789ab"
TEAM = "T0TEST"
CLIENTS = 32
RATE = 40.0  # requests per second offered to each side: below what both sustain, so latency is not queueing
STATUS_EVERY = 50  # one request in 50 posts a status update (stored, then summarised); the rest read
SLOW_LLM = 10.0  # seconds, benchmark 2
WORKERS = 8  # pmbot's default PMBOT_WORKERS, which the server runs with here
SUMMARY = {
    "headline": "Model retrained",
    "summary": "The team retrained the model.",
    "business_impact": "",
    "asks": [],
}


@dataclass(frozen=True)
class Size:
    rounds: int
    requests: int  # per round and side
    warmup: int  # per round and side, not timed


FULL = Size(rounds=3, requests=1000, warmup=100)
QUICK = Size(rounds=3, requests=60, warmup=10)


@dataclass
class Watch:
    """Samples a process's resident memory and thread count in the background."""

    pid: int
    rss: list[float] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            try:
                self.rss.append(rss_mb(self.pid))
                status = Path(f"/proc/{self.pid}/status").read_text()
                self.threads.append(int(status.split("Threads:")[1].split()[0]))
            except (OSError, IndexError, ValueError):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _load(port: int, slack: FakeSlack, channel: str, size: Size, tag: str) -> dict[str, Any]:
    argv = [
        PYTHON, "-m", "bench.load",
        "--url", f"http://127.0.0.1:{port}/slack/events",
        "--secret", SECRET,
        "--requests", str(size.requests),
        "--warmup", str(size.warmup),
        "--clients", str(CLIENTS),
        "--rate", str(RATE),
        "--status-every", str(STATUS_EVERY),
        "--response-url", slack.response_url(""),
        "--team", TEAM,
        "--channel", channel,
        "--tag", tag,
    ]  # fmt: skip
    done = subprocess.run(
        argv, capture_output=True, check=True, cwd=Path(__file__).parent.parent, timeout=600
    )
    return dict(json.loads(done.stdout))


def _statuses_answered(slack: FakeSlack, tag: str, posts: int) -> tuple[int, int]:
    """Of the status requests of rounds tagged `tag…`, how many exist and how many got `posts` posts."""
    with slack._lock:
        names = [n for n in slack.posted if n.startswith(tag) and n.endswith("-status")]
        return len(names), sum(len(slack.posted[n]) >= posts for n in names)


def _wait_answered(slack: FakeSlack, tag: str, posts: int, expected: int, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if _statuses_answered(slack, tag, posts)[1] >= expected:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def _stored(url: str) -> tuple[int, int]:
    """Status updates stored through the command path (the seeded ones have no request id), and how
    many distinct requests they come from."""
    engine = create_db_engine(url)
    with engine.connect() as connection:
        query = select(func.count(), func.count(func.distinct(StatusUpdate.request_id))).where(
            StatusUpdate.tenant_id == TEAM,
            StatusUpdate.request_id.is_not(None),  # type: ignore[union-attr]
        )
        total, distinct = connection.execute(query).one()
    engine.dispose()
    return int(total), int(distinct)


def _rounds(
    port: int, slack: FakeSlack, channel: str, size: Size, tag: str
) -> tuple[list[dict[str, Any]], int]:
    runs, statuses = [], 0
    for n in range(size.rounds):
        run = _load(port, slack, channel, size, f"{tag}{n}")
        runs.append(run)
        statuses += run["statuses"]
    return runs, statuses


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Median over rounds of each round's p50, p99 and max, in ms; errors summed."""
    return {
        "p50": median([percentile(r["latencies"], 0.50) for r in runs]) * 1000,
        "p99": median([percentile(r["latencies"], 0.99) for r in runs]) * 1000,
        "max": median([max(r["latencies"]) for r in runs]) * 1000,
        "errors": sum(r["errors"] for r in runs),
        "rate": median([len(r["latencies"]) / r["seconds"] for r in runs]),
    }


def run(workdir: Path, *, quick: bool) -> list[Result]:
    size = QUICK if quick else FULL
    slack = FakeSlack()
    slack.users["U0ALICE"] = {"name": "alice", "real_name": "Alice", "tz": "Europe/Paris"}
    slack.start()
    llm = FakeOpenAI(default=answer(SUMMARY)).start()
    url = seed.fresh_database("sqlite", workdir, "commands", None)
    engine = create_db_engine(url)
    one = seed.History(
        projects=1,
        days=60,
        updates=20,
        risks=12,
        open_risks=8,
        deliverables=10,
        open_deliverables=5,
        overdue=2,
        decisions=3,
        audit=100,
    )
    seed.tenant(engine, tenant_id=TEAM, history=one, now=utc_now() - timedelta(minutes=1))
    engine.dispose()
    channel = f"C{TEAM}0000"
    bare_port, pmbot_port = free_port(), free_port()
    bare = start(
        [
            PYTHON,
            "-m",
            "bench.bare",
            "--port",
            str(bare_port),
            "--secret",
            SECRET,
            "--api-url",
            slack.api_url,
        ],
        {},
        workdir / "bare.log",
    )
    env = {
        "DATABASE_URL": url,
        "PMBOT_PORT": str(pmbot_port),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "OPENAI_API_KEY": "bench",
        "OPENAI_BASE_URL": llm.url,
        "PMBOT_LLM_TIMEOUT": str(SLOW_LLM * 3),
        "PMBOT_SCHEDULER": "false",
        "PMBOT_LOG_LEVEL": "WARNING",
    }
    pmbot = start([PMBOT, "run"], env, workdir / "pmbot-commands.log")
    one_result = Result(
        f"1. Command path overhead (Slack HTTP, SQLite, {CLIENTS} clients, {RATE:g} requests/s, "
        f"{size.rounds}×{size.requests} requests per side)"
    )
    two_result = Result(f"2. LLM isolation (the same load, the LLM answering after {SLOW_LLM:g} s)")
    try:
        wait_until_up(f"http://127.0.0.1:{bare_port}/healthz", bare)
        wait_until_up(f"http://127.0.0.1:{pmbot_port}/healthz", pmbot)
        watch = Watch(pmbot.pid)
        floor_runs, pmbot_runs, statuses = [], [], 0
        for n in range(size.rounds):  # alternating, so that both sides see the same machine
            floor_runs.append(_load(bare_port, slack, channel, size, f"bare{n}-"))
            run = _load(pmbot_port, slack, channel, size, f"one{n}-")
            pmbot_runs.append(run)
            statuses += run["statuses"]
        _wait_answered(slack, "one", 1, statuses, timeout=120)
        rss_one, threads_one = max(watch.rss), max(watch.threads)
        floor, fast = _summary(floor_runs), _summary(pmbot_runs)
        stored, distinct = _stored(url)
        for name, s in (("bare Bolt app (ack only)", floor), ("pmbot", fast)):
            one_result.figure(
                f"{name}: p50 / p99 / max ack", s["p50"], f"ms / {s['p99']:.1f} ms / {s['max']:.1f} ms"
            )
            one_result.figure(f"{name}: requests answered per second", s["rate"], "/s")
        one_result.figure("pmbot: peak resident memory / threads", rss_one, f"MB / {threads_one} threads")
        one_result.target("p50 ack, pmbot ÷ bare app", fast["p50"] / floor["p50"], 1.5, "×")
        one_result.target("p99 ack, pmbot ÷ bare app", fast["p99"] / floor["p99"], 2.0, "×")
        one_result.target("errors (both sides)", floor["errors"] + fast["errors"], 0)
        one_result.figure(
            "status updates sent / stored / distinct requests stored", statuses, f"/ {stored} / {distinct}"
        )
        one_result.target("status updates stored twice", stored - distinct, 0)
        one_result.target("status updates stored ÷ sent", stored / max(1, statuses), 1.0, at_least=True)

        llm.default = answer(SUMMARY, delay=SLOW_LLM)
        asked_before = len(llm.requests)
        slow_runs, slow_statuses = _rounds(pmbot_port, slack, channel, size, "two")
        loaded_at = time.monotonic()
        waited = _wait_answered(slack, "two", 2, slow_statuses, timeout=60 + slow_statuses * SLOW_LLM)
        total, summarised = _statuses_answered(slack, "two", 2)
        watch.stop()
        slow = _summary(slow_runs)
        two_result.figure(
            "pmbot: p50 / p99 / max ack", slow["p50"], f"ms / {slow['p99']:.1f} ms / {slow['max']:.1f} ms"
        )
        two_result.figure(
            "summaries arrived after the load ended, within", waited, f"s ({summarised}/{total})"
        )
        two_result.figure("LLM calls made", len(llm.requests) - asked_before)
        two_result.figure(
            "pmbot: peak resident memory / threads", max(watch.rss), f"MB / {max(watch.threads)} threads"
        )
        two_result.target("p99 ack, slow LLM ÷ benchmark 1", slow["p99"] / fast["p99"], 1.1, "×")
        two_result.target("errors", slow["errors"], 0)
        two_result.target(
            "summaries arrived ÷ status updates", summarised / max(1, slow_statuses), 1.0, at_least=True
        )
        two_result.target("peak memory ÷ benchmark 1's", max(watch.rss) / rss_one, 1.2, "×")
        # Each pool (commands, summaries) grows to PMBOT_WORKERS threads and no further, however many wait.
        two_result.target(
            "peak threads (pools of 8 for commands and summaries, + loop and SDK threads)",
            max(watch.threads),
            2 * WORKERS + 4,
        )
        del loaded_at
    finally:
        stop(pmbot)
        stop(bare)
        slack.stop()
        llm.stop()
    return [one_result, two_result]
