"""The scheduler as `pmbot run` starts it: APScheduler on the running event loop ticks at once and then
every interval; shutting down lets the tick under way finish."""

import asyncio
from datetime import UTC, datetime

from scheduler.runner import JOB_ID
from tests.scheduling import Harness

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures


def test_started_on_the_loop_it_ticks_at_once_and_stops_cleanly(
    churn, service, slack, clock, executor, database
):
    churn("settings review off")
    churn('status on-track "Going well"')
    clock.now = datetime(2026, 11, 20, 16, 0, 30, tzinfo=UTC)  # the digest is due
    scheduler = Harness(services=service.services, fake=slack, clock=clock, executor=executor).scheduler

    async def run() -> None:
        scheduler.start()
        job = scheduler._apscheduler.get_job(JOB_ID)
        assert (job.trigger.interval.total_seconds(), job.coalesce, job.max_instances) == (60, True, 1)
        assert str(job.trigger.timezone) == "UTC"
        await asyncio.to_thread(slack.wait_for, "chat.postMessage")  # the first tick runs at once
        await scheduler.shutdown()
        assert scheduler._apscheduler is None

    asyncio.run(run())
    [post] = slack.calls_to("chat.postMessage")
    assert post.args["channel"] == "C-churn"
    assert post.args["text"].startswith("Weekly digest of Churn model (churn)")
