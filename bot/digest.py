"""`pmbot digest`: a project's weekly digest, or the portfolio's, printed as the console shows replies.

It posts nothing: scheduled digests are posted by `pmbot run`, and `/pm digest now` posts one at once.
"""

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bot.settings import Settings

NOT_POSTED = (
    "Printed only, not posted: `pmbot run` posts each project's digest in its channel at its digest "
    "time, and `/pm digest now` posts one at once."
)


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    digest = commands.add_parser("digest", help="print a project's weekly digest, or the portfolio's")
    digest.add_argument(
        "--project", help="the project's key (default: the portfolio digest of every open project)"
    )
    digest.add_argument("--tenant", default="local", help="the workspace or tenant (default: local)")
    digest.add_argument("--dry-run", action="store_true", help="print the digest only (nothing is posted)")


def print_digest(
    settings: "Settings",
    *,
    project_key: str | None,
    tenant: str,
    dry_run: bool,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Print the digest that would go out now; 2 when the project does not exist."""
    # Imported here: `pmbot --help` builds this command's parser and should not load pmbot to do so.
    from bot.app import create_app
    from bot.console.render import render
    from handlers.digest import portfolio_digest, project_digest
    from storage import projects

    app = create_app(settings)
    try:
        services = app.commands.services
        now = services.clock()
        if project_key is None:
            reply = portfolio_digest(services, tenant_id=tenant, now=now)
        else:
            with app.database.session(write=False) as db:
                project = projects.by_key(db, tenant_id=tenant, key=project_key.lower())
            if project is None or project.id is None:
                print(f"There is no project {project_key!r} in {tenant}.", file=err)
                return 2
            reply = project_digest(services, tenant_id=tenant, project_id=project.id, now=now).reply
        print(render(reply), file=out)
        if not dry_run:
            print(f"\n{NOT_POSTED}", file=err)
        return 0
    finally:
        app.close()
