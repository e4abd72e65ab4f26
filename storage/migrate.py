"""Schema migrations (Alembic), run in code by `pmbot db upgrade` and on `pmbot run`."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# Any fixed number: PostgreSQL advisory lock key under which one process at a time migrates.
_MIGRATION_LOCK = 7_202_611


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; does nothing when it is there already.

    Several pmbot processes may start at once: on PostgreSQL they take turns under an advisory lock
    (SQLite's BEGIN IMMEDIATE already serialises them), so only the first one migrates.
    """
    with engine.execution_options(pmbot_write=True).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        command.upgrade(alembic_config(connection), "head")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database (developers)."""
    with engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)


def is_current(engine: Engine) -> bool:
    with engine.connect() as connection:
        heads = set(ScriptDirectory.from_config(alembic_config(connection)).get_heads())
        return set(MigrationContext.configure(connection).get_current_heads()) == heads
