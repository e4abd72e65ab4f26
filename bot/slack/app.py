"""The Slack app: Bolt's AsyncApp, built from the settings around pmbot's command service."""

from collections.abc import Awaitable, Callable
from concurrent.futures import Executor

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth import OAuthStateUtils
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from bot.later import Later
from bot.settings import SlackSettings
from bot.slack import BOT_SCOPES, home, modals
from bot.slack import commands as slash
from bot.slack.installations import PooledInstallationStore, PooledOAuthStateStore
from bot.slack.people import Timezones
from handlers.service import CommandService
from scheduler.notifier import NotifierError

INSTALL_PATH = "/slack/install"  # OAuth: the page with the "Add to Slack" button
REDIRECT_PATH = "/slack/oauth_redirect"  # OAuth: where Slack sends the installer back


def create_slack_app(
    settings: SlackSettings, commands: CommandService, pool: Executor, later: Later
) -> AsyncApp:
    """Socket Mode needs no signing secret (Slack's own connection authenticates); HTTP mode verifies it.

    In OAuth mode (several workspaces) there is no bot token of our own: each request is authorized with
    the token its workspace's installation holds, on a client for that request with the same base URL.
    """
    mode = settings.mode
    assert mode is not None, "only called when Slack is configured"
    client = AsyncWebClient(
        token=settings.bot_token.get_secret_value() if settings.bot_token else None,
        base_url=settings.api_url or AsyncWebClient.BASE_URL,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )
    oauth = _oauth_settings(settings, commands.database.engine, pool) if mode == "oauth" else None
    app = AsyncApp(
        client=client,
        signing_secret=settings.signing_secret.get_secret_value() if settings.signing_secret else None,
        request_verification_enabled=mode != "socket",
        oauth_settings=oauth,
    )
    if oauth is not None:
        app.enable_token_revocation_listeners()  # tokens_revoked, app_uninstalled: forget the workspace
    timezones = Timezones()  # one cache of users.info for every listener
    homes = home.Homes(commands, pool)
    slash.register(app, commands, pool, timezones, homes, later)
    modals.register(app, commands, pool, timezones, homes, later)
    home.register(app, commands, pool, timezones, homes)
    return app


def _oauth_settings(settings: SlackSettings, engine: Engine, pool: Executor) -> AsyncOAuthSettings:
    """Installs ask for the bot scopes of manifest.yml only; installations and states live in the database."""
    assert settings.client_id is not None
    assert settings.client_secret is not None
    expiration = OAuthStateUtils.default_expiration_seconds
    return AsyncOAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=PooledInstallationStore(client_id=settings.client_id, engine=engine, pool=pool),
        # bot scopes only: a request is authorized by its workspace's bot, which tokens_revoked deletes
        installation_store_bot_only=True,
        state_store=PooledOAuthStateStore(engine=engine, pool=pool, expiration_seconds=expiration),
        state_expiration_seconds=expiration,
    )


def workspace_clients(app: AsyncApp) -> Callable[[str], Awaitable[AsyncWebClient | None]]:
    """The Web API client of each workspace pmbot is in, for messages nobody asked for (the scheduler):
    with OAuth, the workspace's installed bot; otherwise the one workspace the bot token belongs to.
    These clients do not retry by themselves: the outbox retries with backoff."""
    base_url = app.client.base_url
    store = app.installation_store if app.oauth_flow is not None else None
    own_team: list[str] = []

    async def client_of(tenant_id: str) -> AsyncWebClient | None:
        if store is not None:
            bot = await store.async_find_bot(enterprise_id=None, team_id=tenant_id)
            return AsyncWebClient(token=bot.bot_token, base_url=base_url) if bot and bot.bot_token else None
        if not own_team:
            try:
                own_team.append(str((await app.client.auth_test()).get("team_id")))
            except SlackClientError as problem:
                raise NotifierError(f"auth.test: {problem}", retryable=True) from problem
        return AsyncWebClient(token=app.client.token, base_url=base_url) if tenant_id == own_team[0] else None

    return client_of
