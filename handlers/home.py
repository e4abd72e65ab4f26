"""A person's home: their open deliverables, the risks they own and their projects, across the workspace.

Slack shows it as the App Home tab. Nobody types a command there, so `prefix` is how commands are
typed on the platform (`/pm ` in Slack) and the empty states say exactly what to type.
"""

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from handlers import show
from handlers.clock import first_zone
from handlers.reply import Code, Line, Reply, Section, line
from handlers.service import CommandService
from storage import deliverables, projects, risks, statuses
from storage.models import Project

SHOWN = 20  # lines per section; the rest are counted


def home(db: Session, *, tenant_id: str, user_id: str, today: date, prefix: str = "") -> Reply:
    """The home of `user_id` in `tenant_id`, with dates and lateness as of `today` (their date)."""
    mine = deliverables.open_for_owner(db, tenant_id=tenant_id, user_id=user_id, today=today)
    owned = risks.open_owned_by(db, tenant_id=tenant_id, user_id=user_id)
    member_of = projects.of_member(db, tenant_id=tenant_id, user_id=user_id)
    return Reply(
        headline=line("Your AI projects at a glance"),
        sections=(
            Section(
                "My open deliverables",
                _first(
                    [line(f"{p.key} · ", *show.deliverable_line(d, today, owner=False)) for d, p in mine],
                    empty=line(
                        "Nothing open. Record one in a project's channel: ",
                        Code(f'{prefix}deliverable add "<title>" owner @user due <date>'),
                    ),
                ),
                tuple(show.deliverable_actions(d, p.key) for d, p in mine[:SHOWN]),
            ),
            Section(
                "Risks I own",
                _first(
                    [line(f"{p.key} · ", *show.risk_line(r, owner=False)) for r, p in owned],
                    empty=line(
                        "None open. Record one in a project's channel: ",
                        Code(f'{prefix}risk add "<title>" p=4 i=3 owner @user'),
                    ),
                ),
            ),
            Section(
                "My projects",
                _first(
                    [_project_line(db, project) for project in member_of],
                    empty=line(
                        "You are on no project yet. Create one in its channel: ",
                        Code(f'{prefix}project new <key> "<name>"'),
                    ),
                ),
            ),
        ),
        notes=(line(Code(f"{prefix}help"), " lists every command."),),
    )


def _project_line(db: Session, project: Project) -> Line:
    latest = statuses.latest(db, project=project, limit=1)
    health = show.health(latest[0].health if latest else None)
    return line(f"{project.key} · {project.name} · {project.phase} · {health}")


def _first(lines: Sequence[Line], *, empty: Line) -> tuple[Line, ...]:
    if not lines:
        return (empty,)
    more = len(lines) - SHOWN
    return (*lines[:SHOWN], line(f"… and {more} more")) if more > 0 else tuple(lines)


def home_of(
    service: CommandService, *, tenant_id: str, user_id: str, user_tz: str | None, prefix: str = ""
) -> Reply:
    """The home as the person reads it: in their timezone if known (else one recorded for them on a
    project, else the configured default), on one read-only session."""
    with service.database.session(write=False) as db:
        recorded = user_tz or projects.member_timezone(db, tenant_id=tenant_id, user_id=user_id)
        today = service.clock().astimezone(first_zone(recorded, service.default_tz)).date()
        return home(db, tenant_id=tenant_id, user_id=user_id, today=today, prefix=prefix)
