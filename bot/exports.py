"""`pmbot export` and `pmbot import`: a project's records written to a file (the RAID log as a zip of
CSV files, the whole project as Markdown or JSON), and a register read back into a project from such
a zip or its CSV files, on the configured database (handlers/exports.py, handlers/imports.py)."""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sqlmodel import Session

    from bot.settings import Settings
    from handlers.imports import RegisterError
    from storage.models import Project

# The rest is imported when the subcommand runs, so that `pmbot --help` answers at once (bot/cli.py).
FORMATS = ("csv", "md", "json")  # handlers.exports.FORMATS


def add_parsers(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    export = commands.add_parser(
        "export",
        help="write a project's RAID log (csv: a zip of CSV files), or all of it (md, json), to a file",
    )
    export.add_argument("--project", required=True, help="the project's key")
    export.add_argument(
        "--tenant", help="the workspace or tenant, needed only when several have a project with that key"
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="csv, md or json")
    export.add_argument("--out", help="the file to write (default: the export's own name, here)")
    imported = commands.add_parser(
        "import",
        help="import risks, deliverables and decisions from CSV files (or the zip pmbot export writes)",
    )
    imported.add_argument("--project", required=True, help="the project to import into; it must exist")
    imported.add_argument(
        "--tenant", help="the workspace or tenant, needed only when several have a project with that key"
    )
    imported.add_argument("--user", help="who the import is recorded as (default: the project's owner)")
    imported.add_argument(
        "paths", nargs="+", metavar="PATH", help="the zip of pmbot export, or risks.csv, deliverables.csv…"
    )


def _project(db: "Session", key: str, tenant: str | None, err: TextIO) -> "Project | None":
    """The project named, or None after saying why it cannot be told apart or found."""
    from storage import projects

    key = key.strip().lower()
    if tenant is not None:
        found = projects.by_key(db, tenant_id=tenant, key=key)
        if found is None:
            print(f"There is no project {key!r} in {tenant}.", file=err)
        return found
    everywhere = projects.with_key(db, key=key)
    if not everywhere:
        print(f"There is no project {key!r}. `pmbot console` then `projects` lists them.", file=err)
        return None
    if len(everywhere) > 1:
        tenants = ", ".join(p.tenant_id for p in everywhere)
        print(
            f"Several workspaces or tenants have a project {key!r} ({tenants}): "
            f"say which with --tenant, e.g. --tenant {everywhere[0].tenant_id}.",
            file=err,
        )
        return None
    return everywhere[0]


def export_project(
    settings: "Settings",
    *,
    key: str,
    tenant: str | None,
    fmt: str,
    out: str | None,
    stdout: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Write the export; 2 when the project cannot be found or the file not written."""
    from bot.app import create_app
    from handlers import exports
    from handlers.clock import first_zone
    from handlers.commands.export import WHAT

    app = create_app(settings)
    try:
        now = app.commands.services.clock()
        with app.database.session(write=False) as db:
            project = _project(db, key, tenant, err)
            if project is None:
                return 2
            made = exports.export_file(db, project, fmt, now=now, tz=first_zone(project.timezone))
            found = exports.register(db, project)
        path = Path(out or made.filename)
        try:
            path.write_bytes(made.data)
        except OSError as problem:
            print(f"Could not write {path}: {problem.strerror or problem}.", file=err)
            return 2
        print(
            f"Wrote {path}: {project.key} ({project.tenant_id}), {WHAT[fmt]} — {exports.counts(found)}.",
            file=stdout,
        )
        return 0
    finally:
        app.close()


def import_files(
    settings: "Settings",
    *,
    key: str,
    tenant: str | None,
    user: str | None,
    paths: list[str],
    stdout: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Import every row, or none: 1 (after listing every bad row) when any is bad, 2 when the project
    or a file cannot be found."""
    from bot.app import create_app
    from handlers import imports
    from handlers.clock import first_zone

    files: dict[str, bytes] = {}
    for name in paths:
        try:
            data = Path(name).read_bytes()
        except OSError as problem:
            print(f"Could not read {name}: {problem.strerror or problem}.", file=err)
            return 2
        try:
            found = imports.files_of(name, data)
        except imports.RegisterError as refused:
            return _refused(refused, err)
        for inner, content in found.items():
            if inner in files:
                print(f"{inner} is given twice; give each register once.", file=err)
                return 2
            files[inner] = content
    app = create_app(settings)
    try:
        now = app.commands.services.clock()
        with app.database.session(write=True) as db:
            project = _project(db, key, tenant, err)
            if project is None:
                return 2
            try:
                done = imports.import_register(
                    db,
                    project,
                    files,
                    actor_id=user or project.owner_id,
                    now=now,
                    tz=first_zone(project.timezone),
                )
            except imports.RegisterError as refused:
                return _refused(refused, err)
        print(f"Imported into {project.key} ({project.tenant_id}): {done.summary()}.", file=stdout)
        return 0
    finally:
        app.close()


def _refused(refused: "RegisterError", err: TextIO) -> int:
    count = len(refused.problems)
    print(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first.", file=err)
    for problem in refused.problems:
        print(problem, file=err)
    return 1
