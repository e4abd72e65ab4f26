"""The process benchmark 3 measures: pmbot's scheduler sending a week's digests of every project of a
seeded tenant through the real Sender, Summarizer and Slack notifier, to loopback fakes. Reports (one
JSON object) its resident memory after start-up, idle (after the one-off work of a first digest) and at
peak, and how long sending took.

    python -m bench.digest_worker --db URL --slack-api URL --llm URL --concurrency 4 --workers 8 --now ISO [--again]

`--again` first forgets the digests already sent (the outbox), as if the same week were sent twice.
"""

import argparse
import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete, func, select

from bot.llm import create_llm
from bot.settings import LlmSettings
from bot.slack.notifier import SlackNotifier
from handlers import charts
from handlers.later import Services
from handlers.links import Links
from handlers.summaries.summarizer import Summarizer
from scheduler.config import SchedulerConfig
from scheduler.due import claim
from scheduler.sending import Sender
from scheduler.sweeps import digest_dues
from storage import projects
from storage.db import Database, create_db_engine
from storage.models import OutboxMessage
from storage.vocab import OutboxStatus

TENANT = "TDIGEST"


def rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


async def main(args: argparse.Namespace) -> dict[str, float]:
    database = Database(create_db_engine(args.db))
    base = datetime.fromisoformat(args.now)
    started = time.monotonic()

    def clock() -> datetime:
        """The digest time, moving on with the wall clock (Retry-After waits are real)."""
        return base + timedelta(seconds=time.monotonic() - started)

    llm = create_llm(
        LlmSettings.model_validate(
            {"OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": args.llm, "PMBOT_LLM_TIMEOUT": 30}
        )
    )
    summarizer = Summarizer(database=database, llm=llm, clock=clock)
    services = Services(database=database, summarizer=summarizer, clock=clock, links=Links.ephemeral())

    async def client_of(_tenant: str) -> AsyncWebClient:
        return AsyncWebClient(token="xoxb-bench", base_url=args.slack_api)

    pool = ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="pmbot-worker")
    config = SchedulerConfig(concurrency=args.concurrency, per_tick=1000)
    sender = Sender(services=services, notifier=SlackNotifier(client_of), executor=pool, config=config)
    with database.session(write=True) as db:
        if args.again:
            db.exec(delete(OutboxMessage))  # type: ignore[call-overload]
        dues = [d for p in projects.all_of(db, tenant_id=TENANT) for d in digest_dues(db, p, config, base)]
        claim(db, dues, config=config, now=base)

    def pending() -> int:
        with database.session(write=False) as db:
            query = (
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
            )
            return int(db.execute(query).scalar_one())

    peak, stop = [rss_mb()], threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            peak.append(rss_mb())

    started_mb = rss_mb()
    with database.session(
        write=False
    ) as db:  # what only the first digest does: load matplotlib, draw the grid
        charts.risk_heatmap(db, projects.all_of(db, tenant_id=TENANT)[0])
    idle = rss_mb()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    begin = time.monotonic()
    sent = retried = 0
    while pending():
        outcome = await sender.send_due(clock())
        sent += len(outcome.sent)
        retried += len(outcome.retrying)
        if not outcome.sent:
            await asyncio.sleep(0.2)
    spent = time.monotonic() - begin
    stop.set()
    sampler.join()
    pool.shutdown()
    return {
        "dues": len(dues),
        "sent": sent,
        "retried": retried,
        "seconds": spent,
        "started_mb": started_mb,
        "idle_mb": idle,
        "peak_mb": max(peak),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--slack-api", required=True)
    parser.add_argument("--llm", required=True)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--again", action="store_true")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
