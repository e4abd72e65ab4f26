"""pmbot as a service: one aiohttp server and one event loop for Slack's HTTP endpoint (and, for OAuth
distribution, its install pages), health checks and (later) Teams, with Socket Mode beside it when
configured, and the scheduler (reminders, digests) ticking on the same loop.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import App
from bot.slack.app import create_slack_app, workspace_clients
from bot.slack.notifier import SlackNotifier
from scheduler.runner import Scheduler

log = logging.getLogger(__name__)


def create_web_app(*, slack: AsyncApp | None) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
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
    socket_mode: AsyncSocketModeHandler | None
    scheduler: Scheduler | None

    async def stop(self) -> None:
        if self.scheduler is not None:  # first: a message being sent finishes on the pool
            await self.scheduler.shutdown()
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]
        await self.runner.cleanup()
        await _settle()
        self.pool.shutdown(wait=True)


async def _settle(timeout: float = 10) -> None:
    """Let work that outlives its request finish (a listener answers after its ack): stopped halfway,
    it would leave an answer unposted."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    if others:
        await asyncio.wait(others, timeout=timeout)


async def start(app: App, *, host: str = "0.0.0.0", port: int | None = None) -> Running:  # noqa: S104
    """Start the web server (and Socket Mode); `port=0` picks a free port (tests)."""
    settings = app.settings
    pool = ThreadPoolExecutor(max_workers=settings.core.workers, thread_name_prefix="pmbot-worker")
    mode = settings.slack.mode
    slack = create_slack_app(settings.slack, app.commands, pool) if mode else None
    runner = web.AppRunner(create_web_app(slack=slack if mode in ("http", "oauth") else None))
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
    scheduler = None
    if slack is not None and settings.scheduler.enabled:
        scheduler = Scheduler(
            services=app.commands.services,
            notifier=SlackNotifier(workspace_clients(slack)),
            executor=pool,
            config=settings.scheduler.config(settings.core.timezone),
        )
        scheduler.start()
    log.info("pmbot is listening on port %s (Slack: %s)", bound, mode or "off")
    return Running(port=bound, runner=runner, pool=pool, socket_mode=socket_mode, scheduler=scheduler)


async def serve(app: App) -> None:
    running = await start(app)
    try:
        await asyncio.Event().wait()
    finally:
        await running.stop()
