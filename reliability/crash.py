"""The crash run: pmbot killed with SIGKILL at random points, restarted each time, then everything
counted, on PostgreSQL.

1. A digest run: 200 projects whose weekly digests fall due at the same minute; the scheduler runs in a
   process of its own, built as `pmbot run` builds it (tests/scheduler_process.py), and is killed at 20
   random points — while Slack holds one of its posts, right after a post, or at a random moment — then
   started again a lease later. Afterwards: every digest delivered; one delivered twice only when a
   killed process had it in flight (the outbox's documented at-least-once window).
2. Commands: a real `pmbot run` (Slack HTTP mode) takes signed `/pm risk add` commands from several
   clients and is killed at random moments, then started again. Afterwards: every command whose
   "✅ Recorded" reply reached Slack is in the database, once.

    python -m reliability.crash [--quick] [--seed N]

Prints a table of figures with PASS/FAIL; exits 1 when a check fails.
"""

import argparse
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from handlers.command import Command
from handlers.commands import build_registry
from handlers.service import CommandService
from reliability.common import (
    ROOT,
    TEAM,
    Figure,
    Pmbot,
    load_average,
    postgres,
    signed_headers,
    slash_form,
    table,
)
from storage import outbox
from storage.db import Database, create_db_engine
from tests.fake_slack import FakeSlack

WORKER = ROOT / "tests" / "scheduler_process.py"
SEEDED_AT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # when every digest falls due
LIFE = timedelta(minutes=6)  # between two starts: longer than the outbox lease (5 min)


def seed(url: str, projects: int) -> None:
    """`projects` projects, each in a channel of its own, with a status this week and no review reminder."""
    database = Database(create_db_engine(url))
    service = CommandService(database=database, registry=build_registry(), clock=lambda: SEEDED_AT)

    def one(n: int) -> None:
        for k, typed in enumerate(
            (f'project new p{n:03d} "Project {n}"', "settings review off", 'status on-track "Fine"')
        ):
            command = Command(
                tenant_id=TEAM,
                user_id="U0ALICE",
                channel_id=f"C{n:03d}",
                text=typed,
                request_id=f"seed-{n}-{k}",
            )
            reply = service.handle(command).reply
            assert reply.tone.name != "ERROR", f"seeding {typed}: {reply}"

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(projects)))
    database.dispose()


class Worker:
    """One life of the scheduler process: ticks at `times`, printing what each tick sent."""

    def __init__(self, url: str, slack: FakeSlack, times: list[datetime]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), url, slack.api_url, *(t.isoformat() for t in times)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # it logs each lease it takes over: expected here
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "ready\n"
        self.sent: list[str] = []
        self.done = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.sent += json.loads(line)
        self.done.set()

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def kill(self) -> bool:
        """SIGKILL; whether it was still running."""
        running = self.process.poll() is None
        self.process.kill()
        self.process.wait(timeout=30)
        return running


def digest_run(url: str, *, projects: int, kills: int, rng: random.Random) -> list[Figure]:
    started = time.monotonic()
    seed(url, projects)
    seeded = time.monotonic() - started
    slack = FakeSlack().start()
    slack.users["U0ALICE"] = {"name": "alice", "tz": "UTC"}
    modes: Counter[str] = Counter()
    at, lives = FRIDAY_16, 0
    run_started = time.monotonic()
    try:
        while sum(modes.values()) < kills:
            worker = Worker(url, slack, [at])
            lives += 1
            before = len(slack.calls_to("chat.postMessage"))
            mode = rng.choice(["while Slack holds a post", "right after a post", "at a random moment"])
            worker.go()
            held = None
            if mode == "at a random moment":  # from its first post on: building, sending, recording
                _posts_reach(slack, before + 1, worker)
                time.sleep(rng.uniform(0, 0.3))
                if worker.done.is_set() and not worker.sent:
                    break  # nothing was left to send: the run is over
            else:
                wanted = before + rng.randint(0, max(1, projects // (2 * kills)))
                if not _posts_reach(slack, wanted, worker):
                    worker.kill()
                    if not worker.sent:
                        break  # nothing was left to send: the run is over
                    continue  # it finished first: nothing left to interrupt in this life
                if mode == "while Slack holds a post":
                    held = slack.hold_next("chat.postMessage")
                    if not _posts_reach(slack, len(slack.calls_to("chat.postMessage")) + 1, worker):
                        held.set()
                        worker.kill()
                        continue
            if worker.kill():
                modes[mode] += 1
            if held is not None:
                held.set()  # Slack answers a process that is gone: the post is made
            at += LIFE
        final = Worker(url, slack, [at, at + LIFE, at + 2 * LIFE])  # the last start, left to finish
        lives += 1
        final.go()
        final.done.wait(timeout=600)
        final.process.wait(timeout=60)
    finally:
        slack.stop()
    run_time = time.monotonic() - run_started

    posts = Counter(call.args["channel"] for call in slack.calls_to("chat.postMessage"))
    channels = {f"C{n:03d}" for n in range(projects)}
    database = Database(create_db_engine(url))
    with database.session(write=False) as db:
        rows = {m.channel_id: m for m in outbox.of_tenant(db, tenant_id=TEAM)}
    database.dispose()
    missing = sorted(channels - set(posts))
    twice = sorted(channel for channel, count in posts.items() if count > 1)
    extra = sum(count - 1 for count in posts.values())
    # Each post came with a lease of its own (an attempt): a second post only after a process that had
    # leased the message was killed before recording it sent. A kill interrupts at most one message.
    in_window = all(posts[c] <= rows[c].attempts for c in posts) and extra <= sum(modes.values())
    sent_rows = sum(1 for m in rows.values() if m.status == "sent")
    return [
        Figure("projects seeded (seconds)", f"{projects} ({seeded:.1f} s)"),
        Figure("SIGKILLs during the digest run", sum(modes.values()), sum(modes.values()) == kills),
        *[Figure(f"  {mode}", count) for mode, count in sorted(modes.items())],
        Figure("scheduler processes started", lives),
        Figure("digest run time, kills and restarts included (s)", f"{run_time:.1f}"),
        Figure("digests delivered", f"{len(channels & set(posts))}/{projects}", not missing),
        Figure("outbox rows recorded sent", f"{sent_rows}/{projects}", sent_rows == projects),
        Figure("digests delivered more than once", len(twice)),
        Figure(
            "extra deliveries, each in flight at a kill (≤ SIGKILLs)",
            f"{extra} (≤ {sum(modes.values())})",
            in_window,
        ),
    ]


def _posts_reach(slack: FakeSlack, count: int, worker: Worker) -> bool:
    """Wait until Slack got `count` posts; False if the worker finished first."""
    while not worker.done.is_set():
        try:
            slack.wait_for("chat.postMessage", count=count, timeout=0.2)
            return True
        except AssertionError:
            continue
    return len(slack.calls_to("chat.postMessage")) >= count


class Clients:
    """Clients sending `/pm risk add "crash-<n>"` to whichever pmbot process is up, until stopped."""

    def __init__(self, slack: FakeSlack, concurrency: int) -> None:
        self.slack = slack
        self.url = ""
        self.results: dict[int, str] = {}  # n → "acked", "refused" or "HTTP <status>"
        self.life: dict[int, int] = {}  # n → which pmbot process it was sent to
        self.lives = 0
        self._next = iter(range(1, 10**9))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.up = threading.Event()  # a pmbot process is running: clients wait while it restarts
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(concurrency)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _loop(self) -> None:
        while not self._stop.is_set():
            while not self.up.wait(timeout=0.5):  # pmbot is restarting
                if self._stop.is_set():
                    return
            with self._lock:
                n = next(self._next)
                self.life[n] = self.lives
            body = slash_form(
                f'risk add "crash-{n}" p=2 i=2', n=n, response_url=self.slack.response_url(f"c{n}")
            )
            request = urllib.request.Request(self.url, data=body.encode(), headers=signed_headers(body))
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    outcome = "acked" if response.status == 200 else f"HTTP {response.status}"
            except urllib.error.HTTPError as problem:
                outcome = f"HTTP {problem.code}"
            except OSError:
                outcome = "refused"  # the process was down: Slack shows the person an error
            self.results[n] = outcome


def command_run(url: str, *, kills: int, rng: random.Random) -> list[Figure]:
    slack = FakeSlack().start()
    slack.users["U0ALICE"] = {"name": "alice", "tz": "UTC"}
    pmbot = Pmbot(url, slack.api_url).start()
    body = slash_form('project new churn "Churn model"', n=0, response_url=slack.response_url("c0"))
    urllib.request.urlopen(
        urllib.request.Request(pmbot.url, data=body.encode(), headers=signed_headers(body))
    )
    assert slack.wait_for_response("c0", timeout=60)
    clients = Clients(slack, concurrency=8)
    clients.url = pmbot.url
    clients.up.set()
    clients.start()
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.5, 2.0))  # traffic, then a crash at a random moment
            clients.up.clear()  # clients finish the request under way, then wait for the restart
            pmbot.kill()
            pmbot = Pmbot(url, slack.api_url).start()
            clients.url = pmbot.url
            clients.lives += 1
            clients.up.set()
        time.sleep(2)
    finally:
        clients.stop()
    acked = [n for n, outcome in clients.results.items() if outcome == "acked"]
    for n in acked:  # the process still running answers everything it acknowledged
        if clients.life[n] == clients.lives:
            slack.wait_for_response(f"c{n}", timeout=60)
    pmbot.stop()
    slack.stop()

    confirmed = {
        n for n in acked if any(r.get("text", "").startswith("✅ Recorded") for r in slack.responses(f"c{n}"))
    }
    engine = create_db_engine(url)
    with engine.connect() as connection:
        stored = Counter(
            {
                int(title.removeprefix("crash-")): count
                for title, count in connection.execute(
                    text("SELECT title, count(*) FROM risk WHERE title LIKE 'crash-%' GROUP BY title")
                )
            }
        )
    engine.dispose()
    lost = sorted(n for n in confirmed if stored[n] == 0)
    unanswered = [n for n in acked if n not in confirmed]
    outcomes = Counter(clients.results.values())
    return [
        Figure("SIGKILLs while commands flow", kills),
        Figure("commands sent", len(clients.results)),
        Figure("  acknowledged (HTTP 200)", outcomes["acked"]),
        Figure("  refused while pmbot was down (Slack shows an error)", outcomes["refused"]),
        Figure(
            "  other HTTP answers",
            sum(v for k, v in outcomes.items() if k.startswith("HTTP")),
            not any(k.startswith("HTTP") for k in outcomes),
        ),
        Figure("confirmed to the person (✅ Recorded)", len(confirmed)),
        Figure("confirmed but missing from the database", len(lost), not lost),
        Figure(
            "stored more than once",
            sum(1 for c in stored.values() if c > 1),
            all(c == 1 for c in stored.values()),
        ),
        Figure(
            "acknowledged, no reply before the kill (stored / not)",
            f"{sum(1 for n in unanswered if stored[n])} / {sum(1 for n in unanswered if not stored[n])}",
            # an acknowledgement waits at most ACK_WITHIN for the command to be stored
            not any(not stored[n] for n in unanswered),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 projects, 5 + 3 kills: to iterate")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="the random seed (printed)")
    args = parser.parse_args()
    projects, kills, command_kills = (20, 5, 3) if args.quick else (200, 20, 10)
    rng = random.Random(args.seed)
    figures: list[Figure] = []
    with postgres() as url:
        figures += digest_run(url, projects=projects, kills=kills, rng=rng)
    with postgres() as url:
        figures += command_run(url, kills=command_kills, rng=rng)
    print(table(f"Crash run (seed {args.seed}; {load_average()})", figures))
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
