"""pmbot's real web server for Teams tests, and people talking to it through the fake Bot Connector.

`teams_settings` builds the settings of a test server (auth off for `--insecure-local`, or an app id
whose tokens the fake signs); `Person` sends messages as one person in one Teams conversation and returns
the card pmbot answered with, as that person reads it.
"""

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from botframework.connector.auth import AppCredentials, PasswordServiceClientCredentialFactory

from bot.settings import CoreSettings, LlmSettings, Settings, SlackSettings, StorageSettings, TeamsSettings
from storage.db import Database
from tests.fake_connector import TENANT, FakeConnector, Posted, activity
from tests.slack_server import QUIET_SCHEDULER, Server

APP_ID = "00000000-0000-0000-0000-00000000b0b0"
APP_PASSWORD = "test-app-password"
BOT_TOKEN = "token-of-the-bot"  # what the bot sends the connector with auth on
_messages = itertools.count(1)


def teams_settings(database: Database, *, teams: dict[str, str] | None = None, **sections: Any) -> Settings:
    """Settings of a test server on `database`: Teams with `teams` (no app: auth off), no Slack unless a
    `slack` section is given, no LLM, no scheduler ticking on the wall clock."""
    defaults: dict[str, Any] = {
        "core": CoreSettings.model_validate({}),
        "storage": StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        "llm": LlmSettings.model_validate({}),
        "scheduler": QUIET_SCHEDULER,
        "slack": SlackSettings.model_validate({}),
        "teams": TeamsSettings.model_validate(teams or {}),
    }
    return Settings(**(defaults | sections))


class _TestCredentials(AppCredentials):  # type: ignore[misc]
    def get_access_token(self, force_refresh: bool = False) -> str:
        return BOT_TOKEN


class TestCredentialFactory(PasswordServiceClientCredentialFactory):  # type: ignore[misc]
    """The bot's own credentials for its outgoing calls, without asking Microsoft Entra for a token (no
    network in tests): the same app id checks, a fixed token."""

    __test__ = False

    async def create_credentials(self, app_id: str, *_args: Any, **_kwargs: Any) -> AppCredentials:
        if not await self.is_valid_app_id(app_id):
            raise PermissionError(f"Invalid app_id {app_id}")
        return _TestCredentials(app_id=app_id)


def secured(database: Database, connector: FakeConnector) -> Server:
    """A server with an app id: every activity must carry a token the fake connector signed."""
    settings = teams_settings(
        database,
        teams={
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": APP_PASSWORD,
            "BOT_OPENID_METADATA": connector.openid_url,
        },
    )
    return Server(settings, teams_credentials=TestCredentialFactory(APP_ID, APP_PASSWORD))


class Person:
    """Someone in Teams writing to pmbot in one conversation: a channel, a group chat or a 1:1 chat.

    `say("risks")` sends `@pmbot risks` (just `risks` in a personal chat), waits for pmbot's answer and
    returns it; `click(button)` sends a card's button back as Teams does (Action.Submit)."""

    def __init__(
        self,
        server: Server,
        connector: FakeConnector,
        *,
        fixture: str = "channel_message",
        tenant: str = TENANT,
        token: str | None = None,
        **changes: Any,
    ) -> None:
        self.server, self.connector, self.token = server, connector, token
        self.base = activity(fixture)
        self.base["channelData"]["tenant"] = {"id": tenant}
        self.base["conversation"]["tenantId"] = tenant
        for key, value in changes.items():
            self.base[key] = value if not isinstance(value, dict) else self.base.get(key, {}) | value

    @property
    def personal(self) -> bool:
        return bool(self.base["conversation"]["conversationType"] == "personal")

    def activity(self, text: str, **changes: Any) -> dict[str, Any]:
        data = self.connector.shape(self.base | {"id": f"1796{next(_messages):09d}"})
        if not self.personal:
            text = f"<at>pmbot</at> {text}"
        else:
            data["entities"] = [e for e in data["entities"] if e["type"] != "mention"]
        data["text"] = text
        return data | changes

    def send(self, data: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        return self.connector.deliver(self.server.url("/api/messages"), data, token=self.token)

    def answer(self, data: dict[str, Any], *, count: int = 1) -> list[Posted]:
        """Send the activity and return the `count` activities pmbot posted in its conversation for it."""
        before = len(self.connector.posted)
        status, _ = self.send(data)
        assert status in (200, 201), f"HTTP {status}"
        posted = self.connector.wait_for(before + count)[before:]
        return posted

    def say(self, text: str) -> Posted:
        return self.answer(self.activity(text))[0]

    def click(self, button: dict[str, Any]) -> Posted:
        data = self.connector.shape(self.base | {"id": f"1797{next(_messages):09d}"})
        data.pop("text", None)
        data["entities"] = [e for e in data["entities"] if e["type"] != "mention"]
        data["value"] = button["data"]
        return self.answer(data)[0]


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    """The Bot Connector fake; test modules take it with `connector = teams_server.connector`."""
    fake = FakeConnector().start()
    yield fake
    fake.stop()


@pytest.fixture
def server(database: Database) -> Iterator[Server]:
    """pmbot with Teams in insecure-local mode (no tokens), as with the Bot Framework Emulator."""
    running = Server(teams_settings(database), insecure_local=True)
    yield running
    running.close()
