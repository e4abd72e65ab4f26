"""The LLM failing, end to end: through Slack's HTTP endpoint (the real server, slack_bolt, the openai SDK
with pmbot's timeout and one retry, against the loopback OpenAI fake) and in the scheduler's weekly
digest. Whatever the model does — answers too late, 5xx, drops the connection, malformed JSON, refuses,
invents numbers — the offline summary is used, and the command's answer never waits for the model: it
reaches Slack while the model's first answer is still held back by the test.

tests/test_summaries.py covers each failure at the summarizer; here they go through the whole path.
"""

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.llm import create_llm
from bot.settings import CoreSettings, LlmSettings, Settings, SlackSettings, StorageSettings
from handlers.commands import build_registry
from handlers.service import CommandService
from handlers.summaries.summarizer import Summarizer
from storage.models import StatusUpdate
from tests.fake_openai import Behaviour, FakeOpenAI, answer
from tests.fake_slack import FakeSlack
from tests.scheduling import Harness
from tests.slack_server import QUIET_SCHEDULER, SECRET, Server, post, slash
from tests.test_summaries import GOOD, INVENTED

pytest_plugins = ["tests.scheduler_fixtures"]  # the executor fixture

OFFLINE = "Written by pmbot without AI"
TIMEOUT = 0.5  # PMBOT_LLM_TIMEOUT, seconds


def faults() -> list:
    """Each fault as what the model answers, first call then the SDK's one retry (or pmbot's one retry
    with the failed fact check named)."""
    return [
        pytest.param(lambda: [answer(GOOD, hold=threading.Event())] * 2, id="answers after the timeout"),
        pytest.param(lambda: [answer("", status=500)] * 2, id="HTTP 500"),
        pytest.param(lambda: [answer("", status=503)] * 2, id="HTTP 503"),
        pytest.param(lambda: [Behaviour(drop=True)] * 2, id="dropped connection"),
        pytest.param(lambda: [answer("{not json")], id="malformed JSON"),
        pytest.param(lambda: [answer("", refusal="I can't help with that")], id="refusal"),
        pytest.param(lambda: [answer(INVENTED)] * 2, id="invented numbers"),
    ]


def llm_settings(fake: FakeOpenAI, timeout: float = TIMEOUT) -> LlmSettings:
    """pmbot's settings for the model: a short timeout, and the default one retry."""
    return LlmSettings.model_validate(
        {"OPENAI_BASE_URL": fake.url, "PMBOT_LLM_TIMEOUT": str(timeout), "PMBOT_LLM_RETRIES": "1"}
    )


@pytest.fixture
def llm() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(default=answer(GOOD)).start()
    yield fake
    fake.stop()


@pytest.fixture
def server(database, llm) -> Iterator[tuple[Server, FakeSlack]]:
    yield from _server(database, llm, TIMEOUT)


@pytest.fixture
def patient_server(database, llm) -> Iterator[tuple[Server, FakeSlack]]:
    """A server that waits 30 s for the model: summaries keep waiting while a test looks."""
    yield from _server(database, llm, 30)


def _server(database, llm, timeout: float) -> Iterator[tuple[Server, FakeSlack]]:
    slack = FakeSlack().start()
    settings = Settings(
        core=CoreSettings.model_validate({}),
        storage=StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        llm=llm_settings(llm, timeout),
        scheduler=QUIET_SCHEDULER,
        slack=SlackSettings.model_validate(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url}
        ),
    )
    running = Server(settings)
    yield running, slack
    running.close()
    slack.stop()


def send(server: Server, slack: FakeSlack, text: str) -> tuple[dict, str]:
    form = slash(slack, text)
    assert post(server, form) == (200, "")
    return form, form["response_url"].rsplit("/", 1)[1]


@pytest.mark.parametrize("script", faults())
def test_through_slack_the_answer_comes_before_the_model_and_the_summary_is_offline(
    server, llm, database, script
):
    server, slack = server
    _, name = send(server, slack, 'project new churn "Churn model"')
    assert slack.wait_for_response(name)

    behaviours = script()
    first = behaviours[0].hold or threading.Event()  # the model's first answer waits for the test
    llm.script.extend([replace(behaviours[0], hold=first), *behaviours[1:]])
    try:
        _, name = send(server, slack, 'status at-risk "F1 fell from 0.78 to 0.71; p95 latency 340 ms"')
        assert slack.wait_for_response(name)  # answered while the model holds its first answer
        assert not first.is_set()
        (recorded,) = slack.responses(name)
        assert recorded["text"].startswith("✅ Status of churn recorded")
    finally:
        first.set()
    assert slack.wait_for_response(name, count=2)
    summary = slack.responses(name)[1]["text"]
    assert summary.startswith("For sponsors, churn: Churn model is at risk")
    assert OFFLINE in summary
    for fact in ("0.78", "0.71", "340 ms"):
        assert fact in summary
    with database.session(write=False) as db:
        assert db.get(StatusUpdate, 1).summary_source == "offline"


def test_summaries_waiting_on_a_slow_model_hold_up_no_other_command(patient_server, llm):
    """As many summaries as pmbot has workers (8) wait on the model: the next command is answered all
    the same, because summaries run on a pool of their own (bot/later.py)."""
    server, slack = patient_server
    _, name = send(server, slack, 'project new churn "Churn model"')
    assert slack.wait_for_response(name)
    model = threading.Event()
    llm.default = replace(llm.default, hold=model)
    try:
        statuses = [send(server, slack, f'status on-track "Week {n}: labels done"')[1] for n in range(8)]
        assert all(slack.wait_for_response(name) for name in statuses)
        assert llm.wait_for_requests(8)  # every summary is waiting on the model
        _, risks = send(server, slack, "risks")
        assert slack.wait_for_response(risks)
        assert slack.responses(risks)[0]["text"].startswith("churn has no open risks")
        # Answered while every summary still waits on the model.
        assert [len(slack.responses(name)) for name in statuses] == [1] * 8
    finally:
        model.set()
    assert all(slack.wait_for_response(name, count=2) for name in statuses)  # then every summary


FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("script", faults())
def test_the_weekly_digest_goes_out_on_time_with_the_offline_summary(
    database, clock, chat_for, llm, slack, executor, script
):
    chat = chat_for(CommandService(database=database, registry=build_registry(), clock=clock))
    chat('project new churn "Churn model"')
    chat("settings review off")
    chat('status at-risk "F1 fell from 0.78 to 0.71 after retraining"')
    chat.later()  # offline: the status's own summary asks nothing of the model

    summarizer = Summarizer(database=database, llm=create_llm(llm_settings(llm)), clock=clock)
    services = CommandService(
        database=database, registry=build_registry(), clock=clock, summarizer=summarizer
    ).services
    harness = Harness(services=services, fake=slack, clock=clock, executor=executor)
    behaviours = script()
    llm.script.extend(behaviours)
    try:
        assert harness.tick(FRIDAY_16).outcome.sent == ["digest:churn:2026-W47"]
    finally:
        for behaviour in behaviours:
            if behaviour.hold is not None:
                behaviour.hold.set()
    assert len(llm.requests) >= 1  # the model was asked
    (digest,) = harness.deliveries
    assert digest.text.startswith("Weekly digest of Churn model (churn), week to Fri 20 Nov 2026")
    assert OFFLINE in digest.text
    assert "0.71" in digest.text
