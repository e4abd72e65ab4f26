"""How the Teams bot authenticates: what it checks on each incoming activity, and the credentials it
replies with. Built from TeamsSettings, never at import time.

With an app id, every activity must carry a Bot Framework token signed by keys from the Bot Framework's
OpenID metadata (BOT_OPENID_METADATA points elsewhere, for a private cloud or tests), issued to this app
and for the serviceUrl it came with. Without one, auth is off: only `pmbot run --teams --insecure-local`
asks for that (as for the Bot Framework Emulator).
"""

from types import SimpleNamespace

from aiohttp import web
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ServiceClientCredentialsFactory,
)

from bot.settings import TeamsSettings


class RefusedError(Exception):
    """An activity that failed authentication; answered 401."""


def _configuration(settings: TeamsSettings) -> SimpleNamespace:
    """The settings object the SDK reads (its config.py attribute names)."""
    config = SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password.get_secret_value() if settings.app_password else None,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.tenant_id,
    )
    if settings.openid_metadata:  # the SDK's "parameterized" cloud: the public cloud, but these keys
        tenant = settings.tenant_id or AuthenticationConstants.DEFAULT_CHANNEL_AUTH_TENANT
        config.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata
        config.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = settings.openid_metadata
        config.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
        config.TO_CHANNEL_FROM_BOT_LOGIN_URL = (
            AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX + tenant
        )
        config.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        config.OAUTH_URL = AuthenticationConstants.OAUTH_URL
    return config


def create_authentication(
    settings: TeamsSettings, *, credentials: ServiceClientCredentialsFactory | None = None
) -> BotFrameworkAuthentication:
    """`credentials` replaces the app's own (Microsoft Entra) ones for outgoing calls: tests only."""
    return ConfigurationBotFrameworkAuthentication(_configuration(settings), credentials_factory=credentials)


async def authenticate(
    authentication: BotFrameworkAuthentication, activity: Activity, request: web.Request
) -> AuthenticateRequestResult:
    """The activity's claims, or RefusedError. The SDK signals a bad token in several ways (PermissionError,
    a JWT error, a bare Exception for an unendorsed key); all of them mean 401 here, never a 500.

    The SDK compares the token's `serviceurl` claim with the activity's serviceUrl only when the activity
    has one; without one, a token issued for another service would pass. Every activity the Bot Framework
    (or the Emulator) sends has one, so one without is refused before the token is even read."""
    if not activity.service_url:
        raise RefusedError("the activity has no serviceUrl to check its token against")
    try:
        return await authentication.authenticate_request(activity, request.headers.get("Authorization"))
    except Exception as problem:
        raise RefusedError(f"{type(problem).__name__}: {problem}") from problem
