"""Exports: the project's RAID log as CSV files in a zip, the whole project as Markdown, or as JSON
(handlers/exports.py), posted in the channel as a file with a signed download link (bot/web/exports.py)
for platforms that cannot take a file from a bot in a channel (Teams)."""

from handlers import exports
from handlers.command import Context
from handlers.errors import CommandError
from handlers.registry import Param, verb
from handlers.reply import Attachment, Reply, line

WHAT = {
    "csv": "the RAID log as CSV files (risks, deliverables, decisions) in a zip",
    "md": "the whole project as a Markdown document",
    "json": "the whole project as JSON",
}
LINK_PATH = "/exports"


def _format(raw: str, _ctx: Context) -> str:
    word = raw.strip().lower().removeprefix(".")
    if word not in exports.FORMATS:
        raise CommandError(f"“{raw}” is not an export format. Use csv, md or json.")
    return word


@verb("export", usage="export csv|md|json", args=[Param("format", _format, required=True, key="fmt")])
def export(ctx: Context, *, fmt: str) -> Reply:
    """Post the project as a file in the channel: the RAID log as CSV files in a zip (csv), the whole project as Markdown (md) or as JSON (json).

    The CSV zip is what `pmbot import` reads, to move a register from one project or pmbot to another.
    """
    project = ctx.project
    made = exports.export_file(ctx.db, project, fmt, now=ctx.now, tz=ctx.tz)
    url = None
    if ctx.links is not None:
        payload = {"export": fmt, "tenant": ctx.tenant_id, "project": project.key}
        url = ctx.links.url(LINK_PATH, payload, now=ctx.now)
    return Reply(
        headline=line(
            f"Export of {project.key}: {WHAT[fmt]} — {exports.counts(exports.register(ctx.db, project))}"
        ),
        public=True,
        attachment=Attachment(made.filename, made.data, url),
    )
