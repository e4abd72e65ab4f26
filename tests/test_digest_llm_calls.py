"""Weekly digests sent by the scheduler several at a time (PMBOT_SEND_CONCURRENCY): each project's week of
status updates goes to the LLM in one call, not one per update, and the same week again makes none."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import openai
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.notifier import SlackNotifier
from handlers.commands import build_registry
from handlers.digest import project_digest
from handlers.service import CommandService
from handlers.summaries.llm import Llm
from handlers.summaries.summarizer import Summarizer
from scheduler.config import SchedulerConfig
from scheduler.due import claim
from scheduler.sending import Sender
from scheduler.sweeps import digest_dues
from storage import projects
from tests.fake_openai import FakeOpenAI, answer

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack fixture

DIGEST = {
    "headline": "Back on plan",
    "points": [{"text": "The vendor was late, then the team caught up.", "sources": [2, 3]}],
    "asks": [],
}
KEYS = ("churn", "fraud", "ocr")
FRIDAY = datetime(2026, 11, 20, 16, 5, tzinfo=UTC)  # the digests' time (fri 16:00 UTC) has passed


def test_digests_sent_together_make_one_llm_call_per_project_and_none_for_the_same_week(
    database, clock, slack, chat_for
):
    fake = FakeOpenAI(default=answer(DIGEST)).start()
    pool = ThreadPoolExecutor(max_workers=6)
    try:
        client = openai.OpenAI(base_url=fake.url, api_key="sk-test", timeout=10, max_retries=0)
        llm = Llm(client, model="test-model", language="English")
        service = CommandService(
            database=database,
            registry=build_registry(),
            clock=clock,
            summarizer=Summarizer(database=database, llm=llm, clock=clock),
        )
        chat = chat_for(service)
        for key in KEYS:  # each status's own summary is left undone (chat.later): only digests ask
            there = chat.as_(channel=f"C-{key}")
            assert there(f'project new {key} "{key.title()} model"').startswith("✓")
            assert there(f'status on-track "Labelled data arrived for {key}"').startswith("✓")
            assert there('status at-risk "The vendor is late"').startswith("✓")
            assert there('status on-track "Caught up with the plan"').startswith("✓")
        clock.now = FRIDAY

        async def clients(_tenant: str) -> AsyncWebClient:
            return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)

        config = SchedulerConfig(concurrency=3)
        sender = Sender(
            services=service.services, notifier=SlackNotifier(clients), executor=pool, config=config
        )
        with database.session(write=True) as db:
            dues = [
                d for p in projects.all_of(db, tenant_id="T1") for d in digest_dues(db, p, config, FRIDAY)
            ]
            claim(db, dues, config=config, now=FRIDAY)
        outcome = asyncio.run(sender.send_due(FRIDAY))
        asked = len(fake.requests)
        sent_to = sorted(c.args["channel"] for c in slack.calls_to("chat.postMessage"))
        for key in KEYS:
            with database.session(write=False) as db:
                project = projects.by_key(db, tenant_id="T1", key=key)
            assert project is not None
            assert project.id is not None
            again = project_digest(service.services, tenant_id="T1", project_id=project.id, now=FRIDAY)
            assert "Back on plan" in again.reply.sections[0].title
    finally:
        fake.stop()
        pool.shutdown()
    assert sorted(outcome.sent) == [f"digest:{key}:2026-W47" for key in KEYS]
    assert sent_to == ["C-churn", "C-fraud", "C-ocr"]
    assert asked == 3  # one call per project, all three updates in it
    for key in KEYS:
        (request,) = [r for r in fake.requests if f"Labelled data arrived for {key}" in str(r["messages"])]
        assert "The vendor is late" in str(request["messages"])
        assert "Caught up with the plan" in str(request["messages"])
    assert len(fake.requests) == asked  # the same week again: answered from the cache
