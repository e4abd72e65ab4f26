"""Building pmbot from its settings: nothing is constructed at import time."""

from dataclasses import dataclass

from bot.links import create_links
from bot.llm import create_llm
from bot.settings import Settings
from handlers.clock import Clock, utc_now
from handlers.commands import build_registry
from handlers.service import CommandService
from handlers.summaries.summarizer import Summarizer
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
    summarizer = Summarizer(database=database, llm=create_llm(settings.llm), clock=clock)
    commands = CommandService(
        database=database,
        registry=build_registry(),
        default_tz=settings.core.timezone,
        clock=clock,
        summarizer=summarizer,
        links=create_links(settings),
    )
    return App(settings=settings, database=database, commands=commands)
