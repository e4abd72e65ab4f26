"""The `pmbot` command: console, demo, run (Slack, Teams), digests, exports and imports, the Teams app
package and database upgrades."""

import argparse
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.digest import add_parser as add_digest_parser
from bot.exports import add_parsers as add_export_parsers

if TYPE_CHECKING:
    from bot.console.session import Identity
    from bot.settings import Settings

# Everything else is imported by the subcommand that needs it: `pmbot --help` and a mistyped option
# answer at once, without loading the SDKs, the database layer or pydantic (docs/PERFORMANCE.md).

log = logging.getLogger("pmbot")


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown timezone {name!r}; use a name such as Europe/Paris"
        ) from None
    return name


def _app_id(text: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Microsoft App ID; copy the GUID from the bot's Azure resource → Configuration"
        )
    return text.strip().lower()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmbot", description="An assistant for AI project managers.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    console = commands.add_parser("console", help="type pmbot commands in this terminal (or pipe them in)")
    console.add_argument("--user", default="me", help="who you are (default: me)")
    console.add_argument("--channel", default="console", help="the channel you type in (default: console)")
    console.add_argument("--tenant", default="local", help="the workspace or tenant (default: local)")
    console.add_argument(
        "--tz",
        type=_timezone,
        help="your timezone, e.g. Europe/Paris (default: the project's, then PMBOT_TIMEZONE)",
    )
    commands.add_parser("demo", help="play two weeks of a sample AI project on a throwaway database")
    run = commands.add_parser(
        "run", help="start the configured platforms; the console when none is configured"
    )
    run.add_argument(
        "--teams",
        action="store_true",
        help="serve Microsoft Teams (POST /api/messages); needs MICROSOFT_APP_ID, or --insecure-local",
    )
    run.add_argument(
        "--insecure-local",
        action="store_true",
        help="with --teams and no MICROSOFT_APP_ID: accept activities without checking their token "
        "(the Bot Framework Emulator, tests); never on a reachable address",
    )
    summarize = commands.add_parser(
        "summarize", help="put a technical update read from stdin in business language"
    )
    summarize.add_argument(
        "--project", help="the project whose name, phase and KPIs give the summary its context"
    )
    summarize.add_argument(
        "--tenant", default="local", help="the workspace or tenant of that project (default: local)"
    )
    add_digest_parser(commands)
    add_export_parsers(commands)
    package = commands.add_parser(
        "teams-package", help="write the Teams app package (manifest and icons) to upload in Teams"
    )
    package.add_argument("--app-id", required=True, type=_app_id, help="the bot's Microsoft App ID")
    package.add_argument(
        "--out", default="pmbot-teams.zip", help="the zip to write (default: pmbot-teams.zip)"
    )
    db = commands.add_parser("db", help="database commands")
    db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND").add_parser(
        "upgrade", help="bring the database schema up to date"
    )
    return parser


def _console(identity: "Identity") -> int:
    from bot.app import create_app
    from bot.console.session import run_interactive, run_script
    from bot.settings import load_settings

    app = create_app(load_settings())
    try:
        if sys.stdin.isatty():
            run_interactive(app.commands, identity)
            return 0
        return 1 if run_script(app.commands, identity, sys.stdin, sys.stdout) else 0
    finally:
        app.close()


def _teams_problem(settings: "Settings", *, teams: bool, insecure_local: bool) -> str | None:
    """Why `pmbot run` cannot start Teams as asked, or None."""
    if insecure_local and not teams:
        return "--insecure-local is for Teams: use pmbot run --teams --insecure-local"
    if insecure_local and settings.teams.configured:
        return (
            "--insecure-local turns Teams' token checks off, which is for a pmbot without an app: remove it, "
            "or unset MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD"
        )
    if teams and not (settings.teams.configured or insecure_local):
        return (
            "pmbot cannot start Teams: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (the bot's Azure "
            "resource → Configuration; MICROSOFT_APP_TYPE=SingleTenant also needs MICROSOFT_APP_TENANT_ID). "
            "To try pmbot on this machine without them (Bot Framework Emulator), add --insecure-local."
        )
    return None


def _serve(settings: "Settings", *, insecure_local: bool = False) -> int:
    import asyncio

    from bot.app import create_app
    from bot.server import serve

    app = create_app(settings)
    try:
        asyncio.run(serve(app, insecure_local=insecure_local))
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
    return 0


def _summarize(project_key: str | None, tenant: str) -> int:
    from bot.app import create_app
    from bot.console.render import render
    from bot.settings import load_settings
    from handlers.summaries import jobs
    from handlers.summaries.model import Update
    from storage import projects

    text = sys.stdin.read().strip()
    if not text:
        print('Give the update on stdin, e.g.: echo "F1 fell to 0.71" | pmbot summarize', file=sys.stderr)
        return 2
    app = create_app(load_settings())
    try:
        context = None
        if project_key:
            with app.database.session(write=False) as db:
                project = projects.by_key(db, tenant_id=tenant, key=project_key.lower())
                if project is None:
                    print(f"There is no project {project_key!r} in {tenant}.", file=sys.stderr)
                    return 2
                context = jobs.project_context(db, project)
        result = app.commands.services.summarizer.status(
            tenant_id=tenant, update=Update(health="", text=text), context=context
        )
        print(render(jobs.summary_reply("Summary", result)))
        print(f"\nSource: {result.source}" + (f" ({result.reason})" if result.reason else ""))
        return 0
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from bot import logs
    from bot.console.session import Identity
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as problem:
        print(problem, file=sys.stderr)
        return 2
    logs.configure(settings)  # the one place logging is set up: tokens and secrets are redacted
    if args.command == "demo":
        from bot.demo import play

        play(sys.stdout)
        return 0
    if args.command == "db":
        from storage import migrate
        from storage.db import create_db_engine

        engine = create_db_engine(
            settings.storage.database_url, sqlite_busy_timeout=settings.storage.sqlite_busy_timeout
        )
        migrate.upgrade(engine)
        engine.dispose()
        print("The database schema is up to date.")
        return 0
    if args.command == "teams-package":
        from bot.teams.package import write_package

        written = write_package(args.app_id, Path(args.out))
        print(f"Wrote {written}: upload it in Teams → Apps → Manage your apps → Upload an app.")
        return 0
    if args.command == "summarize":
        return _summarize(args.project, args.tenant)
    if args.command == "digest":
        from bot.digest import print_digest

        return print_digest(settings, project_key=args.project, tenant=args.tenant, dry_run=args.dry_run)
    if args.command in ("export", "import"):
        from bot.exports import export_project, import_files

        if args.command == "export":
            return export_project(
                settings, key=args.project, tenant=args.tenant, fmt=args.format, out=args.out
            )
        return import_files(settings, key=args.project, tenant=args.tenant, user=args.user, paths=args.paths)
    if args.command == "run":
        refused = _teams_problem(settings, teams=args.teams, insecure_local=args.insecure_local)
        if refused is not None:
            print(refused, file=sys.stderr)
            return 2
        if settings.slack.mode is None and not settings.teams.configured and not args.teams:
            log.info("No chat platform is configured: starting the console.")
            return _console(Identity())
        return _serve(settings, insecure_local=args.insecure_local)
    return _console(Identity(user=args.user, channel=args.channel, tenant=args.tenant, timezone=args.tz))


if __name__ == "__main__":
    sys.exit(main())
