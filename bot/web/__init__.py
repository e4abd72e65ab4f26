"""pmbot's own web pages, served on the same aiohttp server as Slack and Teams and opened through signed
links (handlers/links.py): each module here adds its routes in `add_pages`. Pages only read; the
database work runs on the worker pool, never on the event loop."""

from concurrent.futures import Executor

from aiohttp import web

from bot.web import charts, dashboard, exports
from handlers.later import Services


def add_pages(web_app: web.Application, *, services: Services, pool: Executor) -> None:
    """Add every page's routes to `web_app`."""
    dashboard.add(web_app, services=services, pool=pool)
    exports.add(web_app, services=services, pool=pool)
    charts.add(web_app, services=services, pool=pool)
