"""The database going away and coming back, on a PostgreSQL server of the test's own (stopped as a crash
stops it, then started again) and on SQLite held by another writer:

- a command during the outage gets a clear "nothing was saved, send it again" reply and writes nothing,
  also when the outage cuts it off halfway through its transaction;
- once the server is back, the same process answers the next command (no restart: the engine replaces
  its dead connections by itself);
- the scheduler ticking through the outage logs each failed sweep and, once the server is back,
  delivers what fell due meanwhile, by itself;
- on SQLite, a command waits for another writer up to PMBOT_SQLITE_BUSY_TIMEOUT, then says so.
"""

import asyncio
import itertools
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func
from sqlmodel import SQLModel, select

from handlers.command import Context
from handlers.commands import build_registry
from handlers.registry import verb
from handlers.service import CommandService
from scheduler.config import SchedulerConfig
from scheduler.runner import Scheduler
from storage import migrate, outbox, risks
from storage.db import Database, create_db_engine
from storage.models import AuditEvent, HandledRequest, Risk
from tests.scheduling import slack_notifier
from tests.throwaway_postgres import ThrowawayPostgres

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack fixture

FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # the default digest time (UTC here)
NOT_SAVED = (
    "✗ I could not reach the database, so nothing was saved. Please send it again in a minute; "
    "if it keeps failing, tell your pmbot admin."
)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def server() -> Iterator[ThrowawayPostgres]:
    with ThrowawayPostgres() as postgres:
        yield postgres


@pytest.fixture
def postgres(server: ThrowawayPostgres) -> Iterator[Database]:
    """A migrated database of its own on the throwaway server, which the test may stop and start."""
    if not server.running:
        server.start()
    database = Database(create_db_engine(server.new_database(f"outage_{next(_names)}")))
    migrate.upgrade(database.engine)
    yield database
    if not server.running:
        server.start()
    database.dispose()


def rows(database: Database, model: type[SQLModel], **where: object) -> int:
    with database.session(write=False) as db:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(db.exec(query).one())


def test_a_command_during_an_outage_is_told_nothing_was_saved_and_the_same_process_answers_after_it(
    server, postgres, clock, chat_for
):
    chat = chat_for(CommandService(database=postgres, registry=build_registry(), clock=clock))
    assert chat('project new churn "Churn model"').startswith("✓ Created project churn")

    server.stop()
    for typed in ('risk add "Drift" p=4 i=3', "risks"):
        out = chat(typed).splitlines()
        assert out[0] == NOT_SAVED
        assert out[-1].strip() == f"You wrote: {typed}"

    server.start()  # the same service and engine: the pooled connections died with the server
    assert chat('risk add "Drift" p=4 i=3').startswith("✓ Recorded R-1")
    assert rows(postgres, Risk) == 1
    assert rows(postgres, AuditEvent, action="risk.add") == 1


class Halfway:
    """A verb that writes a risk and its audit, then waits for the test before writing a second one."""

    def __init__(self) -> None:
        self.wrote, self.go_on = threading.Event(), threading.Event()

        @verb("halfway", usage="halfway", writes=True)
        def halfway(ctx: Context) -> None:
            """Writes two risks, with a pause between them."""
            for title in ("first", "second"):
                risks.add(
                    ctx.db,
                    project=ctx.project,
                    title=title,
                    probability=1,
                    impact=1,
                    owner_id=None,
                    category=None,
                    mitigation=None,
                    review_by=None,
                    actor_id=ctx.actor,
                    now=ctx.now,
                )
                ctx.db.flush()
                if title == "first":
                    self.wrote.set()
                    assert self.go_on.wait(timeout=30)

        self.verb = halfway


def test_an_outage_halfway_through_a_command_leaves_nothing_half_written(server, postgres, clock, chat_for):
    registry, halfway = build_registry(), Halfway()
    registry.add(halfway.verb)
    chat = chat_for(CommandService(database=postgres, registry=registry, clock=clock))
    assert chat('project new churn "Churn model"').startswith("✓ Created project churn")

    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(chat, "halfway", request_id="halfway-1")
        assert halfway.wrote.wait(timeout=30)  # the first risk is written, not committed
        server.stop()
        halfway.go_on.set()
        assert answer.result(timeout=30).splitlines()[0] == NOT_SAVED

    server.start()
    assert rows(postgres, Risk) == 0
    assert rows(postgres, AuditEvent, action="risk.add") == 0
    assert rows(postgres, HandledRequest, request_id="halfway-1") == 0  # so that a retry is carried out


class Said(logging.Handler):
    """Sets `heard` once a record whose message contains `words` is logged."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words, self.heard, self.count = words, threading.Event(), 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.count += 1
            self.heard.set()


def test_the_scheduler_ticks_through_an_outage_and_delivers_what_fell_due_once_the_server_is_back(
    server, postgres, slack, clock, chat_for
):
    commands = CommandService(database=postgres, registry=build_registry(), clock=clock)
    chat = chat_for(commands)
    assert chat('project new churn "Churn model"').startswith("✓ Created project churn")
    chat("settings review off")
    chat('status on-track "Going well"')

    server.stop()
    clock.now = FRIDAY_16  # the digest falls due while the server is down
    failed = Said("scheduler: a sweep failed; the next one tries again")
    logging.getLogger("scheduler.runner").addHandler(failed)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    pool = ThreadPoolExecutor(max_workers=2)
    scheduler = Scheduler(
        services=commands.services,
        notifier=slack_notifier(slack, clock),
        executor=pool,
        config=SchedulerConfig(interval=timedelta(milliseconds=200)),  # the real APScheduler job
    )

    async def start() -> None:
        scheduler.start()

    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
        assert failed.heard.wait(timeout=20)
        assert slack.calls_to("chat.postMessage") == []

        server.start()
        (digest,) = slack.wait_for("chat.postMessage", timeout=20)
    finally:
        asyncio.run_coroutine_threadsafe(scheduler.shutdown(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        pool.shutdown(wait=True)
        logging.getLogger("scheduler.runner").removeHandler(failed)

    assert digest.args["channel"] == "C-churn"
    assert digest.args["text"].startswith("Weekly digest of Churn model (churn), week to Fri 20 Nov 2026")
    with postgres.session(write=False) as db:
        sent = [(m.key, m.status, m.attempts) for m in outbox.of_tenant(db, tenant_id="T1")]
    assert sent == [("digest:churn:2026-W47", "sent", 1)]
    assert len(slack.calls_to("chat.postMessage")) == 1


BUSY_TIMEOUT = 0.5  # seconds; PMBOT_SQLITE_BUSY_TIMEOUT in a deployment


@pytest.fixture
def sqlite_path(sqlite_template, tmp_path) -> Iterator[tuple[str, sqlite3.Connection]]:
    """A migrated SQLite file, and a second connection to it: another writer."""
    path = tmp_path / "pmbot.db"
    shutil.copy(sqlite_template, path)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield f"sqlite:///{path}", other
    other.close()


def sqlite_chat(url: str, busy_timeout: float, clock, chat_for, *, on_begin=None):
    """A chat on the SQLite file with that busy timeout; `on_begin()` is called as pmbot sends each
    BEGIN IMMEDIATE, which then waits for the write lock."""
    engine = create_db_engine(url, sqlite_busy_timeout=busy_timeout)
    if on_begin is not None:

        def sending(_connection, _cursor, statement: str, *_: object) -> None:
            if statement == "BEGIN IMMEDIATE":
                on_begin()

        event.listen(engine, "before_cursor_execute", sending)
    database = Database(engine)
    chat = chat_for(CommandService(database=database, registry=build_registry(), clock=clock))
    assert chat('project new churn "Churn model"').startswith("✓ Created project churn")
    return database, chat


def test_on_sqlite_a_command_waits_for_another_writer_up_to_the_busy_timeout_then_says_so(
    sqlite_path, clock, chat_for
):
    url, other = sqlite_path
    database, chat = sqlite_chat(url, BUSY_TIMEOUT, clock, chat_for)

    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    started = time.monotonic()
    out = chat('risk add "Drift" p=4 i=3', request_id="locked-1").splitlines()
    waited = time.monotonic() - started
    other.execute("ROLLBACK")

    assert out[0] == (
        "✗ The database was busy with another change, so nothing was saved. Please send it again in a "
        "minute; if it keeps failing, tell your pmbot admin."
    )
    assert BUSY_TIMEOUT <= waited < BUSY_TIMEOUT + 5
    assert rows(database, Risk) == 0
    assert rows(database, HandledRequest, request_id="locked-1") == 0
    assert chat('risk add "Drift" p=4 i=3', request_id="locked-1").startswith("✓ Recorded R-1")  # the retry
    database.dispose()


def test_on_sqlite_a_command_that_sees_the_other_writer_finish_within_the_busy_timeout_is_carried_out(
    sqlite_path, clock, chat_for
):
    url, other = sqlite_path
    beginning = threading.Event()
    database, chat = sqlite_chat(url, 30, clock, chat_for, on_begin=beginning.set)
    beginning.clear()
    other.execute("BEGIN IMMEDIATE")
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer = pool.submit(chat, 'risk add "Drift" p=4 i=3')
        assert beginning.wait(timeout=10)
        other.execute("ROLLBACK")  # the other writer is done
        assert answer.result(timeout=30).startswith("✓ Recorded R-1")
    assert rows(database, Risk) == 1
    database.dispose()
