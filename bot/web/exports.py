"""`GET /exports/{token}`: an export (`export csv|md|json`, handlers/commands/export.py) downloaded
through its signed link, where a platform cannot take the file from a bot (Teams channels).

The token names one tenant, one project and the format, and nothing else; the file is made again when
the link is opened (on the worker pool), so it shows the project as it is then. An expired, altered or
foreign link (a dashboard's), or a project that is gone, gets a plain message and no data.
"""

import asyncio
import logging
from concurrent.futures import Executor

from aiohttp import web

from handlers import exports
from handlers.clock import first_zone
from handlers.commands.export import LINK_PATH
from handlers.later import Services
from handlers.links import ExpiredLinkError, InvalidLinkError
from storage import projects

log = logging.getLogger(__name__)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token is in the address: never pass it on
    "Cache-Control": "no-store",
}
EXPIRED = "This link has expired. Ask pmbot for a new export: type export csv, export md or export json."
INVALID = "This link is not valid: it may have been cut or changed. Ask pmbot for a new export."
GONE = "This project is no longer there, so there is nothing to export."


def _message(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n", content_type="text/plain", headers=HEADERS)


class Downloads:
    def __init__(self, services: Services, pool: Executor) -> None:
        self.services, self.pool = services, pool

    async def download(self, request: web.Request) -> web.Response:
        try:
            payload = self.services.links.read(request.match_info["token"], now=self.services.clock())
            tenant_id, key, fmt = payload["tenant"], payload["project"], payload["export"]
            if not (isinstance(tenant_id, str) and isinstance(key, str) and fmt in exports.FORMATS):
                raise InvalidLinkError(INVALID)
        except ExpiredLinkError:
            return _message(410, EXPIRED)
        except (InvalidLinkError, KeyError):
            return _message(403, INVALID)
        try:
            made = await asyncio.get_running_loop().run_in_executor(
                self.pool, self._make, tenant_id, key, fmt
            )
        except Exception:
            log.exception("the %s export of %s in %s could not be made", fmt, key, tenant_id)
            return _message(500, "Something went wrong on pmbot's side. Try again in a minute.")
        if made is None:
            return _message(404, GONE)
        disposition = f'attachment; filename="{made.filename}"'
        return web.Response(
            body=made.data,
            content_type=made.content_type.partition(";")[0],
            charset="utf-8" if "charset" in made.content_type else None,
            headers=HEADERS | {"Content-Disposition": disposition},
        )

    def _make(self, tenant_id: str, key: str, fmt: str) -> exports.ExportFile | None:
        """On the pool: the file, made now in the project's timezone; None when the project is gone."""
        now = self.services.clock()
        with self.services.database.session(write=False) as db:
            project = projects.by_key(db, tenant_id=tenant_id, key=key)
            if project is None:
                return None
            return exports.export_file(db, project, fmt, now=now, tz=first_zone(project.timezone))


def add(web_app: web.Application, *, services: Services, pool: Executor) -> None:
    web_app.router.add_get(LINK_PATH + "/{token}", Downloads(services, pool).download)
