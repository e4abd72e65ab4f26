"""Benchmark 4, data growth: the same 1,000 projects with two years of history (≈100k status updates,
50k risks, 200k deliverables, 1M audit events) and with a tenth of it, in two tenants of one database.
`projects`, `risks`, `deliverables overdue` and the overdue-reminder sweep should cost about the same in
both: what they read is today's open work, which does not grow with history."""

import time
from collections.abc import Callable
from datetime import datetime
from itertools import count
from pathlib import Path

from bench import seed
from bench.report import Result, median
from handlers.clock import utc_now
from handlers.command import Command
from handlers.commands import build_registry
from handlers.service import CommandService
from scheduler import overdue
from scheduler.config import SchedulerConfig
from storage.db import Database, create_db_engine

FULL = seed.History(
    projects=1000,
    days=730,
    updates=100,
    risks=50,
    open_risks=5,
    deliverables=200,
    open_deliverables=10,
    overdue=3,
    decisions=20,
    audit=1000,
)
QUICK = seed.History(
    projects=100,
    days=730,
    updates=100,
    risks=50,
    open_risks=5,
    deliverables=200,
    open_deliverables=10,
    overdue=3,
    decisions=20,
    audit=1000,
)
LIMIT = 1.5
ROUNDS = 3
REPEAT = {"projects": 2, "risks": 20, "deliverables overdue": 20, "overdue-reminder sweep": 3}
_ids = count(1)


def _timer(service: CommandService, tenant_id: str, text: str) -> Callable[[], None]:
    channel = f"C{tenant_id}0050"  # a project in the middle of the tenant

    def run() -> None:
        outcome = service.handle(
            Command(
                tenant_id=tenant_id,
                user_id="U000",
                channel_id=channel,
                text=text,
                request_id=f"bench-{next(_ids)}",
            )
        )
        assert outcome.reply.tone.name != "ERROR", outcome.reply

    return run


def _sweep(database: Database, tenant_id: str, now: datetime) -> Callable[[], None]:
    config = SchedulerConfig()

    def run() -> None:
        with database.session(write=False) as db:
            overdue.reminder_dues(db, tenant_id=tenant_id, config=config, now=now)

    return run


def _seconds(run: Callable[[], None], times: int) -> float:
    """The median time of one run, over `times` runs after one to warm up."""
    run()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        spent.append(time.perf_counter() - started)
    return median(spent)


def run(kind: str, workdir: Path, postgres_url: str | None, *, quick: bool) -> Result:
    history = QUICK if quick else FULL
    small = history.scaled(0.1)
    result = Result(f"4. Data growth on {kind} ({history.projects} projects, 10× the history vs 1×)")
    url = seed.fresh_database(kind, workdir, "growth", postgres_url)
    engine = create_db_engine(url)
    now = utc_now()
    started = time.perf_counter()
    big_rows = seed.tenant(engine, tenant_id="TBIG", history=history, now=now)
    small_rows = seed.tenant(engine, tenant_id="TSMALL", history=small, now=now)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    result.figure("seeding both tenants (bulk inserts)", time.perf_counter() - started, "s")
    result.figure("rows in the large tenant", sum(big_rows.values()), "rows")
    result.figure("rows in the small tenant", sum(small_rows.values()), "rows")
    database = Database(engine)
    service = CommandService(database=database, registry=build_registry())
    spent: dict[tuple[str, str], list[float]] = {}
    for _ in range(ROUNDS):
        for tenant_id in ("TSMALL", "TBIG"):
            for name, times in REPEAT.items():
                if name == "overdue-reminder sweep":
                    timed = _sweep(database, tenant_id, now)
                else:
                    timed = _timer(service, tenant_id, name)
                spent.setdefault((name, tenant_id), []).append(_seconds(timed, times))
    for name in REPEAT:
        big, little = median(spent[(name, "TBIG")]), median(spent[(name, "TSMALL")])
        result.figure(f"{name}: 1× history / 10× history", little * 1000, f"ms / {big * 1000:,.1f} ms")
        result.target(f"{name} at 10× the history", big / little, LIMIT, "×")
    database.dispose()
    return result
