"""Building pmbot from its settings: nothing is constructed at import time."""

from dataclasses import dataclass

from bot.settings import Settings
from handlers.commands import build_registry
from handlers.service import Clock, CommandService, utc_now
from storage import migrate
from storage.db import Database, create_db_engine


@dataclass
class App:
    settings: Settings
    database: Database
    commands: CommandService

    def close(self) -> None:
        self.database.dispose()


def create_app(settings: Settings, *, clock: Clock = utc_now) -> App:
    """Build pmbot on the configured database, bringing its schema up to date first."""
    engine = create_db_engine(
        settings.storage.database_url, sqlite_busy_timeout=settings.storage.sqlite_busy_timeout
    )
    migrate.upgrade(engine)
    database = Database(engine)
    commands = CommandService(
        database=database, registry=build_registry(), default_tz=settings.core.timezone, clock=clock
    )
    return App(settings=settings, database=database, commands=commands)
