"""The Slack notifier on the real slack_sdk against the Web API fake: what it calls, and how Slack's
failures become retryable or final NotifierErrors for the outbox."""

import asyncio

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.notifier import SlackNotifier
from handlers.reply import Reply, line
from scheduler.notifier import NotifierError

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack fixture

HELLO = Reply(headline=line("Hello"))


def notifier_on(slack, installed: bool = True) -> SlackNotifier:
    client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)

    async def clients(_tenant_id: str) -> AsyncWebClient | None:
        return client if installed else None

    return SlackNotifier(clients)


def test_a_direct_message_goes_to_the_persons_conversation_with_pmbot_and_an_update_replaces_it(slack):
    notifier = notifier_on(slack)
    ref = asyncio.run(notifier.direct("T1", "U0ALICE", HELLO))
    assert slack.calls_to("conversations.open") == []  # which would need the im:write scope
    assert slack.calls_to("chat.postMessage")[0].args["channel"] == "U0ALICE"
    channel, ts = ref.split(":")
    assert channel.startswith("D")
    asyncio.run(notifier.update("T1", ref, Reply(headline=line("Hello again"))))
    [update] = slack.calls_to("chat.update")
    assert (update.args["channel"], update.args["ts"], update.args["text"]) == (channel, ts, "Hello again")


@pytest.mark.parametrize(
    ("fault", "retryable", "retry_after"),
    [
        ({"status": 429, "retry_after": 30}, True, 30.0),
        ({"status": 500}, True, None),
        ({"status": 503}, True, None),
        ({"error": "internal_error"}, True, None),
        ({"error": "channel_not_found"}, False, None),
        ({"error": "not_in_channel"}, False, None),
        ({"error": "account_inactive"}, False, None),
    ],
)
def test_slack_failures_are_retryable_or_final(slack, fault, retryable, retry_after):
    slack.fail_next("chat.postMessage", **fault)
    with pytest.raises(NotifierError) as raised:
        asyncio.run(notifier_on(slack).post("T1", "C1", HELLO))
    assert (raised.value.retryable, raised.value.retry_after) == (retryable, retry_after)
    assert raised.value.message.startswith("chat.postMessage: ")


def test_a_workspace_pmbot_is_not_installed_in_is_a_final_failure(slack):
    notifier = notifier_on(slack, installed=False)
    with pytest.raises(NotifierError, match="not installed in Slack workspace T9") as raised:
        asyncio.run(notifier.post("T9", "C1", HELLO))
    assert raised.value.retryable is False
    assert asyncio.run(notifier.timezone("T9", "alice")) is None
    assert slack.calls == []


def test_a_timezone_comes_from_users_info_and_is_cached(slack):
    slack.users["yuki"] = {"tz": "Asia/Tokyo"}
    notifier = notifier_on(slack)
    assert [asyncio.run(notifier.timezone("T1", "yuki")) for _ in range(2)] == ["Asia/Tokyo"] * 2
    assert asyncio.run(notifier.timezone("T1", "nobody")) is None  # users.info: user_not_found
    assert [c.args["user"] for c in slack.calls_to("users.info")] == ["yuki", "nobody"]
