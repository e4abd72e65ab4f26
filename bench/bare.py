"""The floor for benchmark 1: a bare Bolt AsyncApp on the same server stack as pmbot (aiohttp, Bolt's
aiohttp adapter, request verification, a Web API client on the same Slack) whose /pm only acks.

    python -m bench.bare --port 8001 --secret S --api-url http://127.0.0.1:…/api/
"""

import argparse
import asyncio
import contextlib

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def create(secret: str, api_url: str) -> web.Application:
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=secret,
    )

    @app.command("/pm")
    async def on_pm(ack: AsyncAck) -> None:
        await ack()

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_post("/slack/events", slack_events)
    return web_app


async def serve(port: int, secret: str, api_url: str) -> None:
    runner = web.AppRunner(create(secret, api_url))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.secret, args.api_url))


if __name__ == "__main__":
    main()
