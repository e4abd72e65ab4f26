"""The dashboard's pages: `GET /dashboard/{token}` (the portfolio) and `GET /dashboard/{token}/{project}`
(one project), server-rendered with Jinja2, readable without JavaScript, with nothing fetched from
elsewhere (the stylesheet is ours, charts are inline PNGs).

The token is a signed link (handlers/links.py) naming one tenant; whoever holds it sees that tenant's
projects until it expires, and nothing else. An expired, altered or foreign link, or an unknown project,
gets a page that says so and shows no data. What the pages show comes from handlers/dashboard.py, read
and rendered on the worker pool, never on the event loop.
"""

import asyncio
import base64
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from datetime import date
from importlib import resources
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from handlers import dashboard
from handlers.clock import first_zone
from handlers.later import Services
from handlers.links import ExpiredLinkError, InvalidLinkError
from handlers.reply import Code, Line, Mention

log = logging.getLogger(__name__)

STYLESHEET = "/dashboard.css"
HEADERS = {
    # Nothing but our own stylesheet and inline images: no script, no frame, no form, no other origin.
    "Content-Security-Policy": (
        "default-src 'none'; img-src data: 'self'; style-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
EXPIRED = "This link has expired. Ask pmbot for a new one: type dashboard in your chat with pmbot."
INVALID = "This link is not valid: it may have been cut or changed. Ask pmbot for a new one."


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bot.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["number"] = lambda value: f"{value:g}"
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env


def _day(value: date | None) -> str:
    return f"{value:%a %d %b %Y}" if value else "—"


def person(names: Mapping[str, str]) -> Callable[[str | None], str]:
    """A person as the page shows them: their name where pmbot knows it, else their id."""
    return lambda user_id: names.get(user_id, f"@{user_id}") if user_id else "no owner"


def render_line(parts: Line, names: Mapping[str, str]) -> Markup:
    """A reply's line as HTML: text escaped, people by name, commands as code."""
    who = person(names)
    out = []
    for part in parts:
        if isinstance(part, Mention):
            out.append(escape(who(part.user_id)))
        elif isinstance(part, Code):
            out.append(Markup("<code>{}</code>").format(part.text))
        else:
            out.append(escape(part))
    return Markup("").join(out)


class Pages:
    def __init__(self, services: Services, pool: Executor) -> None:
        self.services, self.pool = services, pool
        self.env = environment()
        self.css = resources.files("bot.web").joinpath("static", "dashboard.css").read_bytes()

    def _page(self, template: str, status: int = 200, **values: Any) -> web.Response:
        html = self.env.get_template(template).render(**values)
        return web.Response(status=status, text=html, content_type="text/html", headers=HEADERS)

    def _refusal(self, status: int, title: str, message: str, root: str) -> web.Response:
        return self._page("message.html", status, title=title, message=message, root=root)

    async def stylesheet(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self.css, content_type="text/css", headers=HEADERS | {"Cache-Control": "max-age=3600"}
        )

    async def portfolio(self, request: web.Request) -> web.Response:
        return await self._serve(request, None)

    async def project(self, request: web.Request) -> web.Response:
        return await self._serve(request, request.match_info["project"])

    async def _serve(self, request: web.Request, key: str | None) -> web.Response:
        root = "../" if key is None else "../../"
        token = request.match_info["token"]
        try:
            payload = self.services.links.read(token, now=self.services.clock())
            tenant_id = payload["tenant"]
            if not isinstance(tenant_id, str) or payload.get("page") != "dashboard":
                raise InvalidLinkError(INVALID)
        except ExpiredLinkError:
            return self._refusal(410, "This link has expired", EXPIRED, root)
        except (InvalidLinkError, KeyError):
            return self._refusal(403, "This link is not valid", INVALID, root)
        zone = first_zone(payload.get("tz") if isinstance(payload.get("tz"), str) else None)
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.pool, self._render, token, tenant_id, key, zone, root
            )
        except Exception:
            log.exception("the dashboard of tenant %s could not be shown", tenant_id)
            return self._refusal(
                500,
                "Something went wrong",
                "Something went wrong on pmbot's side. Try again in a minute.",
                root,
            )

    def _render(self, token: str, tenant_id: str, key: str | None, zone: Any, root: str) -> web.Response:
        """On the pool: read what the page shows and lay it out."""
        now = self.services.clock()
        with self.services.database.session(write=False) as db:
            if key is None:
                shown = dashboard.portfolio(db, tenant_id=tenant_id, now=now, tz=zone)
                return self._page("portfolio.html", page=shown, **self._helpers(shown.names, token, root))
            found = dashboard.project_page(db, tenant_id=tenant_id, key=key, now=now, tz=zone)
        if found is None:
            return self._refusal(
                404,
                "No such project",
                "There is no project by that name here. Go back to the portfolio to see every project.",
                root,
            )
        return self._page("project.html", page=found, **self._helpers(found.names, token, root))

    @staticmethod
    def _helpers(names: Mapping[str, str], token: str, root: str) -> dict[str, Any]:
        return {
            "who": person(names),
            "line": lambda parts: render_line(parts, names),
            "token": token,
            "root": root,
            "health_label": dashboard.health_label,
        }


def add(web_app: web.Application, *, services: Services, pool: Executor) -> None:
    pages = Pages(services, pool)
    web_app.router.add_get(STYLESHEET, pages.stylesheet)
    web_app.router.add_get("/dashboard/{token}", pages.portfolio)
    web_app.router.add_get("/dashboard/{token}/{project}", pages.project)
