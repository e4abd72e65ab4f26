"""`GET /charts/{token}`: a chart (handlers/commands/chart.py, the weekly digest's) as a PNG, opened
through its signed link; Teams cards show their images this way, by address.

The token names one tenant and which chart of what (handlers/chart_links.py); the chart is drawn again
from the database when the link is opened, on the worker pool, so it shows the project as it is then. An
expired, altered or foreign link (a dashboard's, an export's), or a record that is gone, gets a short
plain message and never an image.
"""

import asyncio
import logging
from concurrent.futures import Executor
from typing import Any

from aiohttp import web

from handlers import chart_links
from handlers.later import Services
from handlers.links import ExpiredLinkError, InvalidLinkError

log = logging.getLogger(__name__)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on
    "Cache-Control": "private, max-age=300",  # drawn afresh at most every five minutes per viewer
}
EXPIRED = "This chart's link has expired. Ask pmbot for the chart again: type chart risks, for example."
INVALID = "This link is not valid: it may have been cut or changed."
GONE = "What this chart showed is no longer there."


def _message(status: int, text: str) -> web.Response:
    headers = HEADERS | {"Cache-Control": "no-store"}
    return web.Response(status=status, text=text + "\n", content_type="text/plain", headers=headers)


class Charts:
    def __init__(self, services: Services, pool: Executor) -> None:
        self.services, self.pool = services, pool

    async def image(self, request: web.Request) -> web.Response:
        try:
            payload = self.services.links.read(request.match_info["token"], now=self.services.clock())
        except ExpiredLinkError:
            return _message(410, EXPIRED)
        except InvalidLinkError:
            return _message(403, INVALID)
        if not isinstance(payload.get("tenant"), str) or "chart" not in payload:
            return _message(403, INVALID)
        try:
            drawn = await asyncio.get_running_loop().run_in_executor(self.pool, self._draw, payload)
        except Exception:
            log.exception("the chart %s could not be drawn", payload.get("chart"))
            return _message(500, "Something went wrong on pmbot's side. Try again in a minute.")
        if drawn is None:
            return _message(404, GONE)
        return web.Response(body=drawn, content_type="image/png", headers=HEADERS)

    def _draw(self, payload: dict[str, Any]) -> bytes | None:
        """On the pool: the chart drawn now; None when what it names is gone."""
        now = self.services.clock()
        with self.services.database.session(write=False) as db:
            try:
                return chart_links.draw(db, payload, now=now)
            except LookupError:
                return None


def add(web_app: web.Application, *, services: Services, pool: Executor) -> None:
    web_app.router.add_get(chart_links.PATH + "/{token}", Charts(services, pool).image)
