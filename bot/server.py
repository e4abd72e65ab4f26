"""pmbot as a service: one aiohttp server and one event loop for Slack's HTTP endpoint (and, for OAuth
distribution, its install pages), Teams' messaging endpoint and health checks, with Socket Mode beside it
when configured, and the scheduler (reminders, digests) ticking on the same loop.
"""

import asyncio
import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import App
from bot.later import Later
from bot.links import warn_if_ephemeral
from bot.notifiers import ByTenant
from bot.slack.app import create_slack_app, workspace_clients
from bot.slack.notifier import SlackNotifier
from bot.teams import MESSAGES_PATH
from bot.teams.app import Credentials, TeamsApp, create_teams_app
from bot.web import add_pages
from handlers.later import Services
from scheduler.notifier import Notifier
from scheduler.runner import Scheduler

log = logging.getLogger(__name__)


def create_web_app(
    *, slack: AsyncApp | None, teams: TeamsApp | None = None, services: Services, pool: Executor
) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    add_pages(web_app, services=services, pool=pool)
    if teams is not None:
        web_app.router.add_post(MESSAGES_PATH, teams.messages)
    if slack is not None:

        async def slack_events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await slack.async_dispatch(await to_bolt_request(request)))

        web_app.router.add_post("/slack/events", slack_events)
        oauth = slack.oauth_flow
        if oauth is not None:  # OAuth mode: the install page and Slack's redirect back after an install

            async def slack_install(request: web.Request) -> web.Response:
                return await to_aiohttp_response(
                    await oauth.handle_installation(await to_bolt_request(request))
                )

            async def slack_oauth_redirect(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await oauth.handle_callback(await to_bolt_request(request)))

            web_app.router.add_get(oauth.install_path, slack_install)
            web_app.router.add_get(oauth.redirect_uri_path, slack_oauth_redirect)
    return web_app


@dataclass
class Running:
    port: int
    runner: web.AppRunner
    pool: ThreadPoolExecutor
    later: Later
    socket_mode: AsyncSocketModeHandler | None
    scheduler: Scheduler | None
    notifier: Notifier | None  # what the scheduler sends through, whether it runs or not

    async def stop(self) -> None:
        if self.scheduler is not None:  # first: a message being sent finishes on the pool
            await self.scheduler.shutdown()
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]
        await self.runner.cleanup()
        await _settle()
        self.later.shutdown()
        self.pool.shutdown(wait=True)


async def _settle(timeout: float = 10) -> None:
    """Let work that outlives its request finish (a listener answers after its ack): stopped halfway,
    it would leave an answer unposted."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    if others:
        await asyncio.wait(others, timeout=timeout)


def _teams(
    app: App, pool: ThreadPoolExecutor, later: Later, *, insecure_local: bool, credentials: Credentials | None
) -> TeamsApp | None:
    settings = app.settings.teams
    if not (settings.configured or insecure_local):
        return None
    if settings.configured and insecure_local:
        raise ValueError("insecure_local is for a pmbot without MICROSOFT_APP_ID only")
    if insecure_local:
        log.warning(
            "TEAMS AUTHENTICATION IS OFF (--insecure-local): anyone who can reach %s can act as anyone. "
            "Use it only on this machine, with the Bot Framework Emulator or tests; for Teams, set "
            "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.",
            MESSAGES_PATH,
        )
    return create_teams_app(settings, app.commands, pool, later, credentials=credentials)


def _notifier(slack: AsyncApp | None, teams: TeamsApp | None) -> Notifier | None:
    """How reminders and digests reach people: through Slack, Teams, or each tenant's own."""
    slack_notifier = SlackNotifier(workspace_clients(slack)) if slack is not None else None
    teams_notifier = teams.notifier if teams is not None else None
    if slack_notifier is not None and teams_notifier is not None:
        return ByTenant(teams=teams_notifier, slack=slack_notifier)
    return slack_notifier or teams_notifier


async def start(
    app: App,
    *,
    host: str = "0.0.0.0",  # noqa: S104
    port: int | None = None,
    insecure_local: bool = False,
    teams_credentials: Credentials | None = None,
) -> Running:
    """Start the web server (and Socket Mode); `port=0` picks a free port (tests). Teams is served when
    an app id is set, or with its authentication off when `insecure_local` asks for it;
    `teams_credentials` stand in for the app's own credentials on outgoing calls (tests)."""
    settings = app.settings
    warn_if_ephemeral(settings)
    pool = ThreadPoolExecutor(max_workers=settings.core.workers, thread_name_prefix="pmbot-worker")
    later = Later(app.commands, workers=settings.core.workers)
    teams = _teams(app, pool, later, insecure_local=insecure_local, credentials=teams_credentials)
    mode = settings.slack.mode
    slack = create_slack_app(settings.slack, app.commands, pool, later) if mode else None
    web_app = create_web_app(
        slack=slack if mode in ("http", "oauth") else None,
        teams=teams,
        services=app.commands.services,
        pool=pool,
    )
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, host, settings.core.port if port is None else port)
    await site.start()
    bound = runner.addresses[0][1]
    socket_mode = None
    if mode == "socket":
        assert slack is not None
        assert settings.slack.app_token is not None
        socket_mode = AsyncSocketModeHandler(slack, settings.slack.app_token.get_secret_value())
        await socket_mode.connect_async()  # type: ignore[no-untyped-call]
    notifier = _notifier(slack, teams)
    scheduler = None
    if notifier is not None and settings.scheduler.enabled:
        scheduler = Scheduler(
            services=app.commands.services,
            notifier=notifier,
            executor=pool,
            config=settings.scheduler.config(settings.core.timezone),
        )
        scheduler.start()
    platforms = f"Slack: {mode or 'off'}"
    if teams is not None:
        platforms += ", Teams: " + ("insecure-local" if insecure_local else "on")
    log.info("pmbot is listening on port %s (%s)", bound, platforms)
    return Running(
        port=bound,
        runner=runner,
        pool=pool,
        later=later,
        socket_mode=socket_mode,
        scheduler=scheduler,
        notifier=notifier,
    )


async def serve(app: App, *, insecure_local: bool = False) -> None:
    running = await start(app, insecure_local=insecure_local)
    try:
        await asyncio.Event().wait()
    finally:
        await running.stop()
