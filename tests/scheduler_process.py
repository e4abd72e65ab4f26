"""One scheduler process, for the test of several processes on one PostgreSQL database.

    python tests/scheduler_process.py <database url> <Slack API url> <ISO time> [<ISO time> …]

It builds the scheduler as pmbot does (the command service's database, offline summarizer and clock,
the Slack notifier, a worker pool),
prints `ready`, waits for a line on stdin (so that all processes start together), then ticks at each
time and prints what it sent, one JSON list per tick.
"""

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.notifier import SlackNotifier
from handlers.commands import build_registry
from handlers.service import CommandService
from scheduler.runner import Scheduler
from storage.db import Database, create_db_engine


async def main(database_url: str, api_url: str, times: list[datetime]) -> None:
    database = Database(create_db_engine(database_url))
    now = times[0]

    def tick_time() -> datetime:  # the time of the tick under way
        return now

    commands = CommandService(database=database, registry=build_registry(), clock=tick_time)
    client = AsyncWebClient(token="xoxb-test", base_url=api_url)

    async def clients(_tenant_id: str) -> AsyncWebClient:
        return client

    with ThreadPoolExecutor(max_workers=2) as pool:
        scheduler = Scheduler(services=commands.services, notifier=SlackNotifier(clients), executor=pool)
        print("ready", flush=True)
        sys.stdin.readline()
        for now in times:
            done = await scheduler.tick(now)
            print(json.dumps(done.outcome.sent), flush=True)
    database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], [datetime.fromisoformat(t) for t in sys.argv[3:]]))
