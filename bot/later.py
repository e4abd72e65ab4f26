"""The slow work commands leave for after their answer (LLM summaries), run on a bounded pool of its own:
a slow model holds these threads, never the ones commands are carried out on, so that later commands
are answered (and acknowledged, which waits for their work: bot/slack/commands.py) as quickly with a
model taking 10 s as with a quick one (docs/PERFORMANCE.md, benchmark 2)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from handlers.later import Job
from handlers.reply import Reply
from handlers.service import CommandService


class Later:
    def __init__(self, commands: CommandService, *, workers: int) -> None:
        self.commands = commands
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pmbot-later")

    async def run(self, job: Job) -> Reply | None:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.commands.run_later, job)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True)
