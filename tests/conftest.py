"""Test fixtures: a real database per test (SQLite file, and PostgreSQL when TEST_DATABASE_URL is set),
a driven clock, and `chat`, which sends commands through the real registry and service and returns
what a console user would read.
"""

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from bot.console.render import render
from handlers.command import Command
from handlers.commands import build_registry
from handlers.later import Job
from handlers.reply import Reply
from handlers.service import CommandService
from storage import migrate
from storage.db import Database, create_db_engine

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
# A Wednesday; tests move it forward with clock.advance().
START = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


class Clock:
    """A clock the tests drive: time passes only when a test says so."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies, so every test starts clean without re-migrating."""
    path = tmp_path_factory.mktemp("template") / "pmbot.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh schema of its own in the PostgreSQL test database, so that test runs side by side never meet.

    Unreachable means failed, never skipped: CI sets TEST_DATABASE_URL so that this run happens.
    """
    assert PG_URL is not None
    schema = f"pmbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except OperationalError as problem:
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {problem}", pytrace=False)
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_db_engine(postgres_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "pmbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = create_db_engine(f"sqlite:///{path}")
    else:
        engine = request.getfixturevalue("postgres_engine")
        _empty_postgres(engine)
    yield Database(engine)
    if request.param == "sqlite":
        engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(database: Database, clock: Clock) -> CommandService:
    return CommandService(database=database, registry=build_registry(), default_tz="UTC", clock=clock)


_requests = itertools.count(1)  # each command a request id of its own, whichever chat sends it


class Chat:
    """Talk to pmbot as one person in one channel: `chat("risks")` returns the reply as text."""

    def __init__(
        self, service: CommandService, *, user: str, channel: str, tenant: str, tz: str | None
    ) -> None:
        self.service = service
        self.user, self.channel, self.tenant, self.tz = user, channel, tenant, tz
        self.pending: tuple[Job, ...] = ()

    def reply(self, text: str, *, request_id: str | None = None) -> Reply:
        """The immediate reply; the work the command left waits in `pending` until `later()`."""
        command = Command(
            tenant_id=self.tenant,
            user_id=self.user,
            channel_id=self.channel,
            text=text,
            request_id=request_id or f"{self.tenant}-{self.user}-{next(_requests)}",
            user_tz=self.tz,
        )
        outcome = self.service.handle(command)
        self.pending = outcome.later
        return outcome.reply

    def later(self) -> list[str]:
        """Run the work the last command left (summaries) and return what it posts."""
        done = [self.service.run_later(job) for job in self.pending]
        self.pending = ()
        return [render(reply) for reply in done if reply is not None]

    def __call__(self, text: str, *, request_id: str | None = None) -> str:
        return render(self.reply(text, request_id=request_id))

    def as_(
        self,
        user: str | None = None,
        *,
        channel: str | None = None,
        tenant: str | None = None,
        tz: str | None = None,
    ) -> "Chat":
        return Chat(
            self.service,
            user=user or self.user,
            channel=channel or self.channel,
            tenant=tenant or self.tenant,
            tz=tz or self.tz,
        )


@pytest.fixture
def chat(service: CommandService) -> Chat:
    """@alice in channel C-churn of workspace T1; no project exists yet."""
    return Chat(service, user="alice", channel="C-churn", tenant="T1", tz=None)


@pytest.fixture
def churn(chat: Chat) -> Chat:
    """`chat` after `project new churn "Churn model"` in its channel."""
    assert chat('project new churn "Churn model"').startswith("✓ Created project churn")
    return chat


@pytest.fixture
def count(database: Database):
    """`count(Risk)` or `count(Risk, tenant_id="T1")`: rows in the test database, to prove what was written."""
    from sqlalchemy import func
    from sqlmodel import select

    def rows(model: type[SQLModel], **where: object) -> int:
        with database.session(write=False) as db:
            query = select(func.count()).select_from(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return int(db.exec(query).one())

    return rows


@pytest.fixture
def chat_for():
    """`chat_for(service)`: a `chat` on a service a test built itself."""
    return lambda service: Chat(service, user="alice", channel="C-churn", tenant="T1", tz=None)
