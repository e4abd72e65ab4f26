"""An incoming command and the context a handler works in, the same on every platform."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.later import Job
from handlers.links import Links
from storage.models import Project


@dataclass(frozen=True)
class Command:
    """What a person typed, and where: a Slack workspace or Teams tenant, channel and user ids."""

    tenant_id: str
    user_id: str
    channel_id: str
    text: str
    request_id: str  # the platform's id for this request: a retried request is carried out once
    user_tz: str | None = None  # the person's timezone when the platform knows it
    # A Slack workspace admin or owner (users.info says so): may manage every project of the workspace.
    # Teams cannot tell the bot who owns a team (handlers/permissions.py), so it is never set there.
    is_admin: bool = False


@dataclass
class Context:
    command: Command
    db: Session
    now: datetime  # UTC
    tz: ZoneInfo  # the person's timezone, for the dates they type and read
    project_or_none: Project | None
    later: list[Job] = field(default_factory=list)  # run after the reply, outside this transaction
    links: Links | None = None  # signed links to pmbot's web pages (the dashboard, chart images)

    @property
    def tenant_id(self) -> str:
        return self.command.tenant_id

    @property
    def actor(self) -> str:
        return self.command.user_id

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def project(self) -> Project:
        """The project the command is about; verbs registered with `project=True` always have one."""
        assert self.project_or_none is not None, "verb registered without project=True"
        return self.project_or_none
