"""A PostgreSQL server of a test's own, which the test may stop and start: a fresh cluster in a temporary
directory on a free loopback port, made with the server's own tools (initdb, pg_ctl).

The shared PostgreSQL of TEST_DATABASE_URL is never stopped: other test runs use it. The tools come
from PMBOT_PG_BIN, else the newest Debian install under /usr/lib/postgresql; as root they run as the
`postgres` user, since PostgreSQL refuses to run as root.

    with ThrowawayPostgres() as server:
        engine = create_db_engine(server.new_database("pmbot"))
        server.stop()   # as a crash does: -m immediate
        server.start()
"""

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import create_db_engine


def _bin_dir() -> Path:
    given = os.environ.get("PMBOT_PG_BIN")
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("no PostgreSQL server tools: install postgresql, or set PMBOT_PG_BIN")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pmbot-pg-"))
        self.data = self.root / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, user="postgres", group="postgres")

        self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}?connect_timeout=3"

    def new_database(self, name: str) -> str:
        """Create an empty database `name` (the server must be running); its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def _run(self, tool: str, *arguments: str) -> None:
        command = [str(self.bin / tool), *arguments]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def create(self) -> "ThrowawayPostgres":
        self._run("initdb", "-A", "trust", "-U", "postgres", "--no-sync", "-D", str(self.data))
        return self.start()

    def start(self) -> "ThrowawayPostgres":
        # fsync off: this cluster lives for one test run and only a crash of the server itself is lost
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -F"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.running = True
        return self

    def stop(self) -> None:
        """Stop at once, as a crash or a pulled cable does: open connections are cut, nothing is flushed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def destroy(self) -> None:
        if self.running:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "ThrowawayPostgres":
        return self.create()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.destroy()


@contextmanager
def scratch_database(given: str | None) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for one run (a benchmark, a reliability run): a schema of its
    own in the database `given`, dropped afterwards, so nothing else in that database is touched; with
    none given, a throwaway server started for the run."""
    if given:
        schema = f"pmbot_scratch_{uuid.uuid4().hex[:10]}"
        admin = create_db_engine(given)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = make_url(given).update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        _migrate(rendered)
        try:
            yield rendered
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()
        return
    with ThrowawayPostgres() as server:
        url = server.new_database("pmbot")
        _migrate(url)
        yield url


def _migrate(url: str) -> None:
    engine = create_db_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
