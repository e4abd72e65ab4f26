"""Who may do what. Most verbs are open to everyone in the workspace; a project's settings and what is
posted in its name (the digest) are its owner's to change or send."""

from handlers.command import Context
from handlers.errors import CommandError
from storage.models import Project


def require_owner(ctx: Context, project: Project, doing: str) -> None:
    """Refuse, saying who can, unless the person typing owns `project`; `doing` completes “Only … can”."""
    if ctx.actor != project.owner_id:
        raise CommandError(
            f"Only the owner of {project.key} can {doing}; `project {project.key}` shows who that is."
        )
