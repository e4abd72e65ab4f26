"""Carrying out one command: find the verb, open one transaction, run the handler, answer.

Whatever goes wrong, the person gets a reply they can act on and the transaction is rolled back, so
nothing half-written stays; replies to failures repeat what they typed so it is never lost. Slow work
a handler leaves (`ctx.later`) runs after the reply, outside the transaction.
"""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from handlers import reply as replies
from handlers.clock import Clock, first_zone, utc_now
from handlers.command import Command, Context
from handlers.errors import CommandError
from handlers.later import Job, Outcome, Services
from handlers.links import Links
from handlers.registry import Registry, Verb
from handlers.reply import Reply, line
from handlers.summaries.summarizer import Summarizer
from handlers.tokens import Token, split_project, tokenize
from storage import projects, requests
from storage.db import Database
from storage.models import Project

log = logging.getLogger(__name__)


class CommandService:
    def __init__(
        self,
        *,
        database: Database,
        registry: Registry,
        default_tz: str = "UTC",
        clock: Clock = utc_now,
        summarizer: Summarizer | None = None,
        links: Links | None = None,
    ) -> None:
        """`summarizer` defaults to the offline one; `links` to links valid in this process only."""
        self.database = database
        self.registry = registry
        self.default_tz = default_tz
        self.clock = clock
        summarizer = summarizer or Summarizer(database=database, llm=None, clock=clock)
        self.services = Services(
            database=database, summarizer=summarizer, clock=clock, links=links or Links.ephemeral()
        )

    def handle(self, command: Command) -> Outcome:
        """Answer `command`; never raises, so no traceback can reach a chat."""
        try:
            return self._handle(command)
        except CommandError as problem:
            return Outcome(replies.error(problem.message, usage=problem.usage, param=problem.param))
        except DBAPIError as problem:
            log.exception("database error on request %s", command.request_id)
            if "database is locked" in str(problem.orig):  # SQLite: another writer past the busy timeout
                return Outcome(
                    self._failed(command, "The database was busy with another change, so nothing was saved.")
                )
            return Outcome(self._failed(command, "I could not reach the database, so nothing was saved."))
        except Exception:
            log.exception("command failed on request %s", command.request_id)
            return Outcome(self._failed(command, "Something went wrong on my side, so nothing was saved."))

    def run_later(self, job: Job) -> Reply | None:
        """Run a job a command left; a failure is only logged, since what the person typed is saved."""
        try:
            return job(self.services)
        except Exception:
            log.exception("a job after a command failed")
            return None

    def _failed(self, command: Command, what: str) -> Reply:
        return Reply(
            headline=line(
                what, " Please send it again in a minute; if it keeps failing, tell your pmbot admin."
            ),
            tone=replies.Tone.ERROR,
            notes=(line("You wrote: ", command.text),),
        )

    def _handle(self, command: Command) -> Outcome:
        key, text = split_project(command.text)
        verb, rest = self.registry.match(tokenize(text))
        ids = {"tenant_id": command.tenant_id, "request_id": command.request_id}
        try:
            with self.database.session(write=verb.writes) as db:
                now = self.clock()
                if verb.writes:
                    earlier = requests.claim(db, now=now, **ids)
                    if earlier is not None:
                        return Outcome(replies.from_json(earlier), repeated=True)
                ctx = self._context(verb, command, db, now, key)
                answer = self._run(verb, ctx, rest, text)
                if verb.writes:
                    requests.remember_reply(db, reply=replies.to_json(answer), **ids)
            return Outcome(answer, tuple(ctx.later))
        except IntegrityError:
            with self.database.session(write=False) as db:
                earlier = requests.earlier_reply(db, **ids)
            if earlier is not None:  # a twin of this request got in first
                return Outcome(replies.from_json(earlier), repeated=True)
            raise CommandError(
                "Someone changed the same record at the same moment, so nothing was saved. Please send it again."
            ) from None

    def _context(self, verb: Verb, command: Command, db: Session, now: datetime, key: str | None) -> Context:
        try:
            project = self._project(db, command, key, required=verb.project)
        except CommandError as problem:
            problem.usage = problem.usage or verb.usage
            raise
        return Context(
            command, db, now, self._timezone(db, command, project), project, links=self.services.links
        )

    def _run(self, verb: Verb, ctx: Context, rest: list[Token], text: str) -> Reply:
        """Read the arguments, check the person may run the verb with them, and call the handler; bad
        input gets the verb's usage."""
        try:
            values = verb.bind(rest, text, ctx)
            verb.authorize(ctx, values)
            return verb.handler(ctx, **values)
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
        return first_zone(known, project.timezone if project else None, self.default_tz)
