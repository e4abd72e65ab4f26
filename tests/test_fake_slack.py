"""The loopback Slack Web API answers the real slack_sdk client as Slack does, over real HTTP."""

import asyncio
import json
from collections.abc import Iterator

import pytest
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fake_slack import FakeSlack

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Risk R-3* raised"}}]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


def client(fake: FakeSlack, **options: object) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url, **options)  # type: ignore[arg-type]


def test_auth_test_answers_as_the_bot(fake: FakeSlack) -> None:
    answer = asyncio.run(client(fake).auth_test())

    assert answer.data == {
        "ok": True,
        "url": "https://pmbot-test.slack.com/",
        "team": "Pmbot Test",
        "user": "pmbot",
        "team_id": "T0TEST",
        "user_id": "U0BOT",
        "bot_id": "B0BOT",
        "is_enterprise_install": False,
    }
    [call] = fake.calls
    assert (call.method, call.token, call.encoding) == ("auth.test", "xoxb-test", "query")


def test_post_message_is_recorded_with_blocks_decoded_and_the_token(fake: FakeSlack) -> None:
    async def post() -> tuple[dict, dict]:
        web = client(fake)
        first = await web.chat_postMessage(channel="C1", text="Risk R-3 raised", blocks=BLOCKS)
        second = await web.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])
        return first.data, second.data  # type: ignore[return-value]

    first, second = asyncio.run(post())

    assert first["ok"] is True
    assert first["channel"] == "C1"
    assert first["message"]["blocks"] == BLOCKS
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == first["ts"]
    call = fake.calls_to("chat.postMessage")[0]
    assert call.token == "xoxb-test"
    assert call.encoding == "json"
    assert call.args == {"channel": "C1", "text": "Risk R-3 raised", "blocks": BLOCKS}


def test_form_encoded_blocks_are_decoded_too(fake: FakeSlack) -> None:
    data = {"channel": "C1", "text": "hi", "blocks": json.dumps(BLOCKS)}
    asyncio.run(client(fake).api_call("chat.postMessage", data=data))

    [call] = fake.calls_to("chat.postMessage")
    assert call.encoding == "form"
    assert call.args["blocks"] == BLOCKS


def test_users_info_returns_the_configured_timezone(fake: FakeSlack) -> None:
    fake.users["U1"] = {"name": "ana", "real_name": "Ana Diaz", "tz": "Europe/Paris", "tz_offset": 3600}
    fake.users["U2"] = {"name": "bo"}

    async def look_up() -> tuple[dict, dict]:
        web = client(fake)
        ana = await web.users_info(user="U1")
        bo = await web.users_info(user="U2")
        with pytest.raises(SlackApiError) as unknown:
            await web.users_info(user="U404")
        assert unknown.value.response["error"] == "user_not_found"
        return ana["user"], bo["user"]

    ana, bo = asyncio.run(look_up())

    assert (ana["id"], ana["real_name"], ana["tz"], ana["tz_offset"]) == (
        "U1",
        "Ana Diaz",
        "Europe/Paris",
        3600,
    )
    assert (bo["tz"], bo["tz_offset"]) == ("UTC", 0)
    assert [call.args for call in fake.calls_to("users.info")] == [
        {"user": "U1"},
        {"user": "U2"},
        {"user": "U404"},
    ]


def test_rate_limited_call_is_retried_after_retry_after(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    web = client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    answer = asyncio.run(web.chat_postMessage(channel="C1", text="hello"))

    assert answer["ok"] is True
    assert [call.args["text"] for call in fake.calls_to("chat.postMessage")] == ["hello", "hello"]


def test_rate_limit_surfaces_without_a_retry_handler(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", retry_after=0)

    with pytest.raises(SlackApiError) as failure:
        asyncio.run(client(fake).chat_postMessage(channel="C1", text="hello"))

    assert failure.value.response.status_code == 429
    assert failure.value.response.headers["Retry-After"] == "0"
    assert failure.value.response["error"] == "ratelimited"


def test_server_error_raises(fake: FakeSlack) -> None:
    fake.fail_next("chat.update", status=500)

    with pytest.raises(SlackApiError) as failure:
        asyncio.run(client(fake).chat_update(channel="C1", ts="1790000000.000001", text="edit"))

    assert failure.value.response.status_code == 500
    assert len(fake.calls_to("chat.update")) == 1


def test_api_error_raises_with_that_error(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found")

    async def post_twice() -> dict:
        web = client(fake)
        with pytest.raises(SlackApiError) as failure:
            await web.chat_postMessage(channel="C404", text="hello")
        assert failure.value.response.status_code == 200
        assert failure.value.response["error"] == "channel_not_found"
        return (await web.chat_postMessage(channel="C1", text="again")).data  # type: ignore[return-value]

    assert asyncio.run(post_twice())["ok"] is True


def test_held_call_waits_for_the_test(fake: FakeSlack) -> None:
    release = fake.hold_next("chat.postMessage")

    async def post_while_held() -> dict:
        task = asyncio.create_task(client(fake).chat_postMessage(channel="C1", text="held"))
        await asyncio.to_thread(fake.wait_for, "chat.postMessage")
        assert not task.done()
        release.set()
        return (await task).data  # type: ignore[return-value]

    assert asyncio.run(post_while_held())["ok"] is True


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    respond = AsyncRespond(response_url=fake.response_url("cmd-1"))

    answer = asyncio.run(respond(text="Done", response_type="ephemeral", replace_original=True))

    assert answer.status_code == 200
    assert fake.responses("cmd-1") == [
        {"text": "Done", "response_type": "ephemeral", "replace_original": True}
    ]
    assert fake.responses("cmd-2") == []
    assert fake.calls == []


def test_other_methods_answer_in_slack_shapes(fake: FakeSlack) -> None:
    async def run() -> dict:
        web = client(fake)
        view = {"type": "modal", "title": {"type": "plain_text", "text": "New risk"}, "blocks": BLOCKS}
        opened = await web.views_open(trigger_id="123.456", view=view)
        updated = await web.views_update(view_id=opened["view"]["id"], view=view)
        home = await web.views_publish(user_id="U1", view={"type": "home", "blocks": BLOCKS})
        dm = await web.conversations_open(users=["U1"])
        again = await web.conversations_open(users="U1")
        ephemeral = await web.chat_postEphemeral(channel="C1", user="U1", text="only you")
        link = await web.chat_getPermalink(channel="C1", message_ts="1790000000.000042")
        with pytest.raises(SlackApiError) as unknown:
            await web.api_call("pins.nothing")
        return {
            "opened": opened["view"],
            "updated": updated["view"],
            "home": home["view"],
            "dm": dm["channel"]["id"],
            "again": again["channel"]["id"],
            "ephemeral": ephemeral["message_ts"],
            "link": link["permalink"],
            "unknown": unknown.value.response["error"],
        }

    got = asyncio.run(run())

    assert got["opened"]["id"].startswith("V")
    assert got["opened"]["blocks"] == BLOCKS
    assert got["updated"]["id"] == got["opened"]["id"]
    assert got["home"]["type"] == "home"
    assert got["dm"].startswith("D")
    assert got["again"] == got["dm"]
    assert got["ephemeral"]
    assert got["link"] == "https://pmbot-test.slack.com/archives/C1/p1790000000000042"
    assert got["unknown"] == "unknown_method"
    assert fake.calls_to("views.open")[0].encoding == "json"
    assert fake.calls_to("conversations.open")[0].args == {"users": "U1"}
    assert fake.calls_to("chat.getPermalink")[0].encoding == "query"
