"""The load run: 200 concurrent clients for 60 s of mixed signed `/pm` slash commands over HTTP against a
real `pmbot run` (Slack HTTP mode, PostgreSQL, the Slack Web API played by the loopback fake).

Each client sends one command, waits for its acknowledgement, and sends the next: writes (risks, status
updates, deliverables, each with a label of its own) and reads (risks, status, deliverables, help) in
20 project channels, as 20 people. Afterwards every write is counted in the database.

Checks: no HTTP 5xx (nor any answer but 200); every acknowledgement within Slack's 3 s; every
acknowledged write stored exactly once.

    python -m reliability.load [--quick] [--clients N] [--seconds S]
"""

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from sqlalchemy import text

from handlers.command import Command
from handlers.commands import build_registry
from handlers.service import CommandService
from reliability.common import TEAM, Figure, Pmbot, load_average, postgres, signed_headers, slash_form, table
from storage.db import Database, create_db_engine
from tests.fake_slack import FakeSlack

PROJECTS = 20
PEOPLE = 20
SLACK_LIMIT = 3.0  # seconds Slack waits for an acknowledgement
WRITES = {  # what a write command says, and the table and column where its label is stored
    "risk": ('risk add "{label}" p=2 i=3', "risk", "title"),
    "status": ('status on-track "{label}"', "statusupdate", "text"),
    "deliverable": ('deliverable add "{label}" owner <@U0LOAD01> due 2030-01-15', "deliverable", "title"),
}
READS = ("risks", "status", "deliverables", "help")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    acked_writes: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: {kind: [] for kind in WRITES}
    )
    sent: int = 0


def seed(url: str) -> None:
    database = Database(create_db_engine(url))
    service = CommandService(database=database, registry=build_registry())
    for n in range(PROJECTS):
        command = Command(
            tenant_id=TEAM,
            user_id="U0LOAD00",
            channel_id=f"CLOAD{n:02d}",
            text=f'project new load{n:02d} "Load {n}"',
            request_id=f"seed-{n}",
        )
        assert service.handle(command).reply.tone.name != "ERROR"
    database.dispose()


async def client(
    number: int, url: str, session: aiohttp.ClientSession, slack: FakeSlack, until: float, tally: Tally
) -> None:
    rng = random.Random(number)
    i = 0
    while time.monotonic() < until:
        i += 1
        n = number * 1_000_000 + i
        write = rng.random() < 0.5
        if write:
            kind = rng.choice(list(WRITES))
            label = f"load-{number}-{i}"
            typed = WRITES[kind][0].format(label=label)
        else:
            kind, label, typed = "read", "", rng.choice(READS)
        body = slash_form(
            typed,
            n=n,
            response_url=slack.response_url(f"l{n}"),
            user=f"U0LOAD{rng.randrange(PEOPLE):02d}",
            channel=f"CLOAD{rng.randrange(PROJECTS):02d}",
        )
        started = time.monotonic()
        tally.sent += 1
        try:
            async with session.post(url, data=body, headers=signed_headers(body)) as response:
                await response.read()
                status = str(response.status)
        except (aiohttp.ClientError, TimeoutError) as problem:
            status = type(problem).__name__
        tally.latencies.append(time.monotonic() - started)
        tally.statuses[status] += 1
        if write and status == "200":
            tally.acked_writes[kind].append((label, n))


async def drive(url: str, slack: FakeSlack, clients: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        await asyncio.gather(*(client(c, url, session, slack, until, tally) for c in range(clients)))
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 clients for 10 s: to iterate")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--workers", type=int, default=8, help="PMBOT_WORKERS of the pmbot process")
    args = parser.parse_args()
    clients = args.clients or (20 if args.quick else 200)
    seconds = args.seconds or (10 if args.quick else 60)
    slack = FakeSlack().start()
    slack.users.update({f"U0LOAD{n:02d}": {"name": f"load{n}", "tz": "UTC"} for n in range(PEOPLE)})
    with postgres() as url:
        seed(url)
        pmbot = Pmbot(url, slack.api_url, workers=args.workers).start()
        try:
            tally = asyncio.run(drive(pmbot.url, slack, clients, seconds))
            answered_by = time.monotonic() + 120  # the answers of acknowledged commands still coming
            acked = sum(len(labels) for labels in tally.acked_writes.values())
            while time.monotonic() < answered_by and len(slack.posted) < tally.statuses["200"]:
                time.sleep(0.5)
            errors = [line for line in pmbot.errors() if "Traceback" not in line]
        finally:
            pmbot.stop()
            slack.stop()
        engine = create_db_engine(url)
        stored: dict[str, Counter[str]] = {}
        with engine.connect() as connection:
            for kind, (_, table_name, column) in WRITES.items():
                query = text(
                    f"SELECT {column}, count(*) FROM {table_name} WHERE {column} LIKE 'load-%' GROUP BY {column}"
                )
                stored[kind] = Counter(dict(connection.execute(query).all()))
        engine.dispose()

    def answer(n: int) -> str:
        posted = slack.posted.get(f"l{n}") or [{}]
        return str(posted[0].get("text", ""))[:1]

    confirmed = {
        (kind, label) for kind, sent in tally.acked_writes.items() for label, n in sent if answer(n) == "✅"
    }
    refused_writes = sum(1 for sent in tally.acked_writes.values() for _, n in sent if answer(n) == "❌")
    unanswered = acked - len(confirmed) - refused_writes
    missing = sum(1 for kind, label in confirmed if stored[kind][label] == 0)
    twice = sum(1 for counts in stored.values() for count in counts.values() if count > 1)
    unconfirmed_stored = sum(
        1 for kind, counts in stored.items() for label in counts if (kind, label) not in confirmed
    )
    five_xx = sum(count for status, count in tally.statuses.items() if status.startswith("5"))
    other = sum(
        count for status, count in tally.statuses.items() if status != "200" and not status.startswith("5")
    )
    latency = tally.latencies
    replies = [r for name, posted in slack.posted.items() if name.startswith("l") for r in posted[:1]]
    figures = [
        Figure("clients × seconds (pmbot's workers)", f"{clients} × {seconds:g} ({args.workers})"),
        Figure("commands sent", tally.sent),
        Figure("  per second", f"{tally.sent / seconds:.1f}"),
        Figure("HTTP 5xx", five_xx, five_xx == 0),
        Figure(
            "other answers than 200 (errors, timeouts)",
            ", ".join(f"{n} {status}" for status, n in tally.statuses.items() if status != "200") or 0,
            other == 0,
        ),
        Figure(
            "acknowledgement p50 / p95 / p99 (s)",
            f"{percentile(latency, 0.5):.2f} / {percentile(latency, 0.95):.2f} / {percentile(latency, 0.99):.2f}",
        ),
        Figure(
            "acknowledgement max (s), Slack allows 3",
            f"{max(latency, default=0):.2f}",
            max(latency, default=0) < SLACK_LIMIT,
        ),
        Figure("writes acknowledged", acked),
        Figure("  answered ✅ (stored)", len(confirmed)),
        Figure("  answered ❌ (nothing stored, says why)", refused_writes),
        Figure("  not answered", unanswered, unanswered == 0),
        Figure("answered ✅ but missing from the database", missing, missing == 0),
        Figure("writes stored more than once", twice, twice == 0),
        Figure("writes stored without a ✅ answer", unconfirmed_stored, unconfirmed_stored == 0),
        Figure("errors in pmbot's log", len(errors), not errors),
    ]
    print(table(f"Load run ({load_average()})", figures))
    for said, times in Counter(
        r["text"].splitlines()[0] for r in replies if r.get("text", "").startswith("❌")
    ).most_common(5):
        print(f"  {times} × {said}")
    for line in errors[:10]:
        print("  " + line.rstrip())
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
