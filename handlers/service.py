"""Carrying out one command: find the verb, open one transaction, run the handler, answer.

Whatever goes wrong, the person gets a reply they can act on and the transaction is rolled back, so
nothing half-written stays; replies to failures repeat what they typed so it is never lost.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from handlers import reply as replies
from handlers.command import Command, Context
from handlers.errors import CommandError
from handlers.registry import Registry, Verb
from handlers.reply import Reply, line
from handlers.tokens import Token, split_project, tokenize
from storage import projects, requests
from storage.db import Database
from storage.models import Project

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class CommandService:
    def __init__(
        self, *, database: Database, registry: Registry, default_tz: str = "UTC", clock: Clock = utc_now
    ) -> None:
        self.database = database
        self.registry = registry
        self.default_tz = default_tz
        self.clock = clock

    def handle(self, command: Command) -> Reply:
        """Answer `command`; never raises, so no traceback can reach a chat."""
        try:
            return self._handle(command)
        except CommandError as problem:
            return replies.error(problem.message, usage=problem.usage)
        except DBAPIError:
            log.exception("database error on request %s", command.request_id)
            return self._failed(command, "I could not reach the database, so nothing was saved.")
        except Exception:
            log.exception("command failed on request %s", command.request_id)
            return self._failed(command, "Something went wrong on my side, so nothing was saved.")

    def _failed(self, command: Command, what: str) -> Reply:
        return Reply(
            headline=line(
                what, " Please send it again in a minute; if it keeps failing, tell your pmbot admin."
            ),
            tone=replies.Tone.ERROR,
            notes=(line("You wrote: ", command.text),),
        )

    def _handle(self, command: Command) -> Reply:
        key, text = split_project(command.text)
        verb, rest = self.registry.match(tokenize(text))
        ids = {"tenant_id": command.tenant_id, "request_id": command.request_id}
        try:
            with self.database.session(write=verb.writes) as db:
                now = self.clock()
                if verb.writes:
                    earlier = requests.claim(db, now=now, **ids)
                    if earlier is not None:
                        return replies.from_json(earlier)
                answer = self._run(verb, command, db, now, key, rest, text)
                if verb.writes:
                    requests.remember_reply(db, reply=replies.to_json(answer), **ids)
                return answer
        except IntegrityError:
            with self.database.session(write=False) as db:
                earlier = requests.earlier_reply(db, **ids)
            if earlier is not None:  # a twin of this request got in first
                return replies.from_json(earlier)
            raise CommandError(
                "Someone changed the same record at the same moment, so nothing was saved. Please send it again."
            ) from None

    def _run(
        self,
        verb: Verb,
        command: Command,
        db: Session,
        now: datetime,
        key: str | None,
        rest: list[Token],
        text: str,
    ) -> Reply:
        """Resolve the project, read the arguments and call the handler; bad input gets the verb's usage."""
        try:
            project = self._project(db, command, key, required=verb.project)
            ctx = Context(command, db, now, self._timezone(db, command, project), project)
            return verb.handler(ctx, **verb.bind(rest, text, ctx))
        except CommandError as problem:
            problem.usage = problem.usage or verb.usage
            raise

    def _project(self, db: Session, command: Command, key: str | None, *, required: bool) -> Project | None:
        tenant_id = command.tenant_id
        if key is not None:
            named = projects.by_key(db, tenant_id=tenant_id, key=key)
            if named is None:
                raise CommandError(
                    f"There is no project “{key}”. `projects` lists them; "
                    f'`project new {key} "<name>"` creates it.'
                )
            return named
        here = projects.by_channel(db, tenant_id=tenant_id, channel=command.channel_id)
        if here is None and required:
            raise CommandError(
                "This channel has no project. Name one: `<key>: <command>` or `--project <key>`; "
                'or create one here with `project new <key> "<name>"`. `projects` lists them.'
            )
        return here

    def _timezone(self, db: Session, command: Command, project: Project | None) -> ZoneInfo:
        """The person's timezone if known, else the project's, else the configured default."""
        known = command.user_tz or projects.member_timezone(
            db, tenant_id=command.tenant_id, user_id=command.user_id
        )
        for name in (known, project.timezone if project else None, self.default_tz):
            if name:
                try:
                    return ZoneInfo(name)
                except (ZoneInfoNotFoundError, ValueError):
                    log.warning("unknown timezone %r; trying the next one", name)
        return ZoneInfo("UTC")
