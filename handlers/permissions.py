"""Who may do what (the README's "Who may do what" lists every verb). Recording is open to everyone in the
workspace: status, risks, decisions, deliverables, KPIs. A project's phase, settings and governance, and
posting its digest now, are its owner's; changing or closing a risk or deliverable is for its owner (for
a risk nobody owns or a deliverable owed by an outside party: whoever recorded it) and the project's
owner. A Slack workspace admin or owner may do all of it in every project of the workspace.

Teams does not tell a bot who owns a team: the Bot Connector's member lookup (TeamsInfo.get_member)
gives only `userRole` user or guest, and team ownership needs Microsoft Graph, so in Teams nobody is
an admin and a project's owner is the only one who can manage it. A use case's fate (qualify, reject,
promote) is for its proposer, its owner or any project owner.

What no project owns, the workspace's settings (its LLM switch, portfolio channel and gate checklists),
is for an admin or anyone who owns a project in the workspace: the command does not say which platform
it came from, and in Teams, where nobody is an admin, that rule keeps the settings changeable by the
people who run projects rather than by every member.

A verb declares which of these it needs (`@verb(..., manage=Manage.PROJECT, doing=...)`), and the
service checks it once its arguments are read, before the handler runs (Verb.authorize)."""

from enum import StrEnum

from handlers.command import Context
from handlers.errors import CommandError
from storage import projects
from storage.models import Project, UseCase


class Manage(StrEnum):
    """What a verb changes that not everyone may: a project (its owner's) or the whole workspace."""

    PROJECT = "project"  # the project's owner, or an admin of its workspace
    TENANT = "tenant"  # an admin of the workspace, or anyone who owns one of its projects


def require(ctx: Context, manage: Manage, doing: str) -> None:
    """Refuse, saying who can, unless the person typing may `doing` (which completes “Only … can”)."""
    if manage == Manage.TENANT:
        if not manages_tenant(ctx):
            raise CommandError(who_may(manage, doing))
    elif ctx.project_or_none is None:  # a verb that needs a project only for some of its arguments
        raise CommandError(
            "This channel has no project; name one: `<key>: <command>`. `projects` lists them."
        )
    else:
        require_owner(ctx, ctx.project_or_none, doing)


def who_may(manage: Manage, doing: str) -> str:
    """The sentence `help` shows for a verb that not everyone may run."""
    if manage == Manage.TENANT:
        return f"Only an admin of this workspace, or someone who owns one of its projects, can {doing}."
    return f"Only the project's owner, or an admin of the workspace, can {doing}."


def manages_tenant(ctx: Context) -> bool:
    """The person typing is an admin of the workspace, or owns one of its projects (closed ones too)."""
    return ctx.command.is_admin or projects.owns_any(ctx.db, tenant_id=ctx.tenant_id, user_id=ctx.actor)


def manages(ctx: Context, project: Project) -> bool:
    """The person typing owns `project`, or is an admin of its workspace."""
    return ctx.actor == project.owner_id or ctx.command.is_admin


def require_owner(ctx: Context, project: Project, doing: str) -> None:
    """Refuse, saying who can, unless the person typing owns `project` (or is an admin of its workspace);
    `doing` completes “Only … can”."""
    if not manages(ctx, project):
        raise CommandError(
            f"Only the owner of {project.key} can {doing}; `project {project.key}` shows who that is."
        )


def require_item_owner(
    ctx: Context, project: Project, *, ref: str, owner_id: str | None, recorded_by: str | None, doing: str
) -> None:
    """Refuse, saying who can, unless the person typing owns the risk or deliverable `ref` (`owner_id`; an
    item without an owner among the team is the one who recorded it's), owns `project`, or is an admin;
    `doing` completes “Only … can” (`close R-2`)."""
    mine = owner_id if owner_id is not None else recorded_by
    if ctx.actor == mine or manages(ctx, project):
        return
    key = project.key
    if owner_id is None:
        raise CommandError(
            f"{ref} has no owner in the team, so only whoever recorded it or the owner of {key} can "
            f"{doing}; `project {key}` shows who owns the project."
        )
    listing = "risks" if ref.startswith("R-") else "deliverables"
    raise CommandError(
        f"Only the owner of {ref} or of {key} can {doing}; `{listing}` and `project {key}` show who they are."
    )


def require_usecase_decider(ctx: Context, usecase: UseCase, doing: str) -> None:
    """Qualifying, rejecting and promoting a use case is for the person who proposed it, its named
    owner, anyone who owns a project in the tenant, or an admin; `doing` completes “Only … can”."""
    if ctx.actor in (usecase.proposer_id, usecase.owner_id) or manages_tenant(ctx):
        return
    raise CommandError(
        f"Only the person who proposed {usecase.ref}, its owner, or a project owner can {doing}."
    )
