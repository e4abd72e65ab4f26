"""The Slack app: Bolt's AsyncApp, built from the settings around pmbot's command service."""

from concurrent.futures import Executor

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import SlackSettings
from bot.slack import commands as slash
from bot.slack import home, modals
from handlers.service import CommandService


def create_slack_app(settings: SlackSettings, commands: CommandService, pool: Executor) -> AsyncApp:
    """Socket Mode needs no signing secret (Slack's own connection authenticates); HTTP mode verifies it."""
    assert settings.bot_token is not None, "only called when Slack is configured"
    client = AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url or AsyncWebClient.BASE_URL,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    app = AsyncApp(
        client=client,
        signing_secret=settings.signing_secret.get_secret_value() if settings.signing_secret else None,
        request_verification_enabled=settings.mode == "http",
    )
    slash.register(app, commands, pool)
    modals.register(app, commands, pool)
    home.register(app, commands, pool)
    return app
