"""Events API deliveries: each event carried out once, and never one a bot sent.

Slack retries an event it thinks went unanswered (`X-Slack-Retry-Num`, same `event_id`), and Socket
Mode can deliver one twice. `once` is a listener middleware, put on every `app.event(...)` listener:
it runs before Bolt acknowledges the event, so the claim (a unique insert keyed by workspace and
`event_id`, on the worker pool) is decided while Slack waits, and a repeat is answered 200 with
nothing run. It sits on the listeners rather than in a global middleware because only events carry
an `event_id` (slash commands and interactions are de-duplicated by the command service) and so that
each event listener shows that it runs once.

Once means at most once: the claim is committed before the listener runs, so if the listener then
fails, Slack's retry is dropped too. For what events do here (publishing a view that the next event
refreshes anyway) that is the right way round; a failed claim answers 500 and Slack retries.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

from slack_bolt.response import BoltResponse

from handlers.once import first_delivery
from handlers.service import CommandService

log = logging.getLogger(__name__)

Middleware = Callable[..., Awaitable[BoltResponse | None]]


def once(commands: CommandService, pool: Executor) -> Middleware:
    """A listener middleware that lets each event through once, and no event from a bot."""

    async def run_once(body: dict[str, Any], next_: Callable[[], Awaitable[None]]) -> BoltResponse | None:
        # Bolt already drops pmbot's own events (ignoring_self_events_enabled); this drops other bots'.
        if (body.get("event") or {}).get("bot_id"):
            return BoltResponse(status=200, body="")
        claim = partial(
            first_delivery,
            commands.database,
            tenant_id=str(body.get("team_id") or ""),
            request_id=f"slack-event-{body.get('event_id')}",
            now=commands.clock(),
        )
        if not await asyncio.get_running_loop().run_in_executor(pool, claim):
            log.info("event %s was delivered before; not handled again", body.get("event_id"))
            return BoltResponse(status=200, body="")
        await next_()
        return None

    return run_once
