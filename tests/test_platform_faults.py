"""The chat platforms failing under the scheduler, beyond the Slack 429 and 500 of
tests/test_scheduler_recovery.py: Slack dropping connections and answering too late, a storm of mixed
faults over many messages, and the Bot Connector (Teams) answering 429, 500 or dropping the connection.
Each message is retried with backoff and delivered once the platform recovers; none is lost, and none is
posted twice, except after a timeout, where the platform may have posted it (the outbox's documented
at-least-once window).
"""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import SchedulerSettings, SlackSettings
from bot.slack.notifier import SlackNotifier
from bot.slack.people import Timezones
from scheduler.config import SchedulerConfig
from scheduler.runner import Scheduler, Tick
from storage import outbox
from storage.models import Risk
from tests.fake_connector import FakeConnector, activity
from tests.slack_server import SECRET, Server, answer, post, slash
from tests.teams_server import Person, teams_settings

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures

FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # the default digest time (UTC here)
MINUTE = timedelta(minutes=1)
DIGEST = "digest:churn:2026-W47"


class Ticker:
    """The real scheduler and Slack notifier (real slack_sdk, with its default retry of a connection
    error) against the fake, ticked at driven times; `timeout` is the client's, in seconds."""

    def __init__(self, services, slack, clock, executor, *, timeout: float = 30) -> None:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url, timeout=timeout)

        async def clients(_tenant_id: str) -> AsyncWebClient:
            return client

        notifier = SlackNotifier(clients, timezones=Timezones(clock=lambda: clock().timestamp()))
        self.clock = clock
        self.scheduler = Scheduler(
            services=services, notifier=notifier, executor=executor, config=SchedulerConfig()
        )

    def tick(self, at: datetime) -> Tick:
        self.clock.now = at
        return asyncio.run(self.scheduler.tick())


def outbox_rows(database) -> dict[str, tuple[str, int]]:
    with database.session(write=False) as db:
        return {m.key: (m.status, m.attempts) for m in outbox.of_tenant(db, tenant_id="T1")}


def ready_for_a_digest(chat) -> None:
    chat("settings review off")
    assert chat('status on-track "Going well"').startswith("✓")


def test_dropped_connections_are_sent_again_by_the_client_at_once_then_by_the_outbox_with_backoff(
    churn, service, slack, clock, executor, database
):
    ready_for_a_digest(churn)
    ticker = Ticker(service.services, slack, clock, executor)
    for _ in range(3):
        slack.drop_next("chat.postMessage")

    first, early, second = (
        ticker.tick(at).outcome for at in (FRIDAY_16, FRIDAY_16 + MINUTE / 2, FRIDAY_16 + MINUTE)
    )

    # dropped twice: the HTTP client's immediate retry, then ours
    assert (first.sent, first.retrying) == ([], [DIGEST])
    assert (early.sent, early.retrying) == ([], [])  # the backoff: a minute
    assert (second.sent, second.retrying) == ([DIGEST], [])  # dropped once more, then through
    assert [call.args["channel"] for call in slack.calls_to("chat.postMessage")] == ["C-churn"] * 4
    assert outbox_rows(database)[DIGEST] == ("sent", 2)


def test_a_send_slack_answers_too_late_is_retried_and_is_the_one_fault_that_may_show_twice(
    churn, service, slack, clock, executor, database
):
    ready_for_a_digest(churn)
    ticker = Ticker(service.services, slack, clock, executor, timeout=1)
    late = slack.hold_next("chat.postMessage")  # Slack answers only after the client gave up
    try:
        first = ticker.tick(FRIDAY_16).outcome
    finally:
        late.set()
    assert (first.sent, first.retrying) == ([], [DIGEST])
    with database.session(write=False) as db:
        (row,) = outbox.of_tenant(db, tenant_id="T1")
    assert "TimeoutError" in (row.last_error or "")

    assert ticker.tick(FRIDAY_16 + MINUTE).outcome.sent == [DIGEST]
    # Slack got it twice: the answer that came too late may have been a post. At least once, never lost.
    assert [call.args["channel"] for call in slack.calls_to("chat.postMessage")] == ["C-churn"] * 2
    assert outbox_rows(database)[DIGEST] == ("sent", 2)


KEYS = ("churn", "ocr", "fraud", "pricing", "search", "voice")


def test_a_storm_of_faults_over_many_messages_loses_none_and_posts_none_twice(
    chat, service, slack, clock, executor, database
):
    for n, key in enumerate(KEYS):  # six digests and six reminders of overdue work, all due at once
        here = chat.as_(channel=f"C-{key}")
        assert here(f'project new {key} "{key.title()} model"').startswith("✓")
        ready_for_a_digest(here)
        assert here(f'deliverable add "Report" owner @person{n} due tomorrow').startswith("✓")
    slack.users.update({f"person{n}": {"tz": "UTC"} for n in range(len(KEYS))})
    faults = [
        {"status": 429, "retry_after": 90},
        {"status": 500},
        {"status": 503},
        {"error": "internal_error"},
    ]
    chosen = random.Random(10).choices([*faults, None], k=30)  # None: a dropped connection
    for fault in chosen:
        if fault is None:
            slack.drop_next("chat.postMessage")
        else:
            slack.fail_next("chat.postMessage", **fault)
    ticker = Ticker(service.services, slack, clock, executor)

    at, sent = FRIDAY_16, []
    while at < FRIDAY_16 + timedelta(hours=2) and len(sent) < 2 * len(KEYS):
        outcome = ticker.tick(at).outcome
        assert outcome.failed == []
        sent += outcome.sent
        at += MINUTE

    rows = outbox_rows(database)
    assert len(sent) == len(set(sent)) == len(rows) == 2 * len(KEYS)
    assert {status for status, _ in rows.values()} == {"sent"}
    posts = slack.calls_to("chat.postMessage")
    # Every call Slack got was a scripted fault or a delivery, and there are as many deliveries as
    # messages, each recorded sent: none twice.
    assert len(posts) == len(chosen) + len(rows)
    recipients = {call.args["channel"] for call in posts}
    assert recipients == {f"C-{key}" for key in KEYS} | {f"person{n}" for n in range(len(KEYS))}


# -- Slack failing around a command


def test_a_command_is_carried_out_when_slack_drops_the_question_of_who_the_person_is(database, slack, count):
    """users.info (the person's timezone and role) failing must not stop the command."""
    slack_section = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    server = Server(teams_settings(database, slack=SlackSettings.model_validate(slack_section)))
    try:
        project = slash(slack, 'project new churn "Churn model"')
        assert post(server, project)[0] == 200
        assert answer(slack, project)["text"].startswith("✅ Created project churn")
        slack.drop_next("users.info")  # aiohttp tries a kept-alive connection again at once; not twice
        slack.drop_next("users.info")
        risk = slash(slack, 'risk add "Drift" p=4 i=3', user_id="U0BOB")  # someone pmbot has not met
        assert post(server, risk)[0] == 200
        reply = answer(slack, risk)
    finally:
        server.close()
    assert reply["text"].startswith("✅ Recorded R-1: Drift")
    assert count(Risk) == 1


# -- Teams: the Bot Connector fake answering with faults

CHANNEL = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2"


@pytest.fixture
def connector():
    fake = FakeConnector().start()
    yield fake
    fake.stop()


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param([(429, 90)], id="429 Retry-After 90 s"),
        pytest.param([(500, None)], id="500"),
        pytest.param([(0, None)], id="dropped connection"),
        pytest.param([(503, None), (0, None), (429, 1)], id="503, dropped, 429"),
    ],
)
def test_the_bot_connector_failing_delays_a_teams_digest_that_is_then_posted_once(
    database, connector, faults
):
    server = Server(teams_settings(database), insecure_local=True)
    try:
        status, _ = connector.deliver(
            server.url("/api/messages"), connector.shape(activity("installed_in_team"))
        )
        assert status in (200, 201)
        alice = Person(server, connector)
        alice.say('project new churn "Churn model"')
        alice.say("settings review off")
        alice.say('status on-track "Going well"')
        tenant = alice.base["channelData"]["tenant"]["id"]
        server.settle()  # the status's summary, posted after its answer
        for code, wait in faults:
            if code:
                connector.fail_next(code, retry_after=wait)
            else:
                connector.drop_next()
        before = len(connector.posted)
        notifier = server.running.notifier
        assert notifier is not None
        config = SchedulerSettings.model_validate({}).config("UTC")
        scheduler = Scheduler(
            services=server.app.commands.services,
            notifier=notifier,
            executor=server.running.pool,
            config=config,
        )
        # Digests go out on Fridays at 16:00 in the project's timezone; tick from then, every minute
        friday = datetime.now(UTC).date()
        friday += timedelta(days=(4 - friday.weekday()) % 7 or 7)
        at = datetime(friday.year, friday.month, friday.day, 16, tzinfo=UTC)
        outcomes = []
        while not (outcomes and outcomes[-1].sent) and len(outcomes) < 60:
            outcomes.append(server._wait(scheduler.tick(at)).outcome)
            at += MINUTE
    finally:
        server.close()

    assert connector.refused == len(faults)
    assert [o.failed for o in outcomes] == [[]] * len(outcomes)
    retried = [key for o in outcomes for key in o.retrying]
    assert len(retried) == len(faults)  # each fault cost one attempt, then a wait
    (posted,) = connector.posted[before:]
    assert posted.conversation_id == CHANNEL
    assert posted.text.startswith("Weekly digest of Churn model (churn)")
    with database.session(write=False) as db:
        rows = [(m.status, m.attempts) for m in outbox.of_tenant(db, tenant_id=tenant)]
    assert rows == [("sent", len(faults) + 1)]
