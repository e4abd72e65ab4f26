"""The workspaces that installed pmbot (OAuth distribution): their installations, and the OAuth states of
installs in progress, kept in pmbot's own database in slack_sdk's tables (migration 0003).

slack_sdk's SQLAlchemy stores are synchronous, and Bolt's AsyncApp needs asynchronous ones: these
adapters run each store method on pmbot's worker pool, so the event loop never waits on the database.
Reads (one per Slack request) use the engine as it is; writes take SQLite's write lock up front
(storage/db.py), because saving an installation and consuming a state read before they write.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from logging import Logger
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

T = TypeVar("T")


def _writing(engine: Engine) -> Engine:
    return engine.execution_options(pmbot_write=True)


async def _on(pool: Executor, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(pool, partial(function, *args, **kwargs))


class PooledInstallationStore(AsyncInstallationStore):
    """slack_sdk's SQLAlchemyInstallationStore (slack_installations, slack_bots), run on the pool."""

    def __init__(self, *, client_id: str, engine: Engine, pool: Executor) -> None:
        self._reader = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)
        self._writer = SQLAlchemyInstallationStore(client_id=client_id, engine=_writing(engine))
        self._pool = pool

    @property
    def logger(self) -> Logger:
        return self._reader.logger

    async def async_save(self, installation: Installation) -> None:
        await _on(self._pool, self._writer.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await _on(self._pool, self._writer.save_bot, bot)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return await _on(
            self._pool,
            self._reader.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return await _on(
            self._pool,
            self._reader.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await _on(self._pool, self._writer.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await _on(
            self._pool,
            self._writer.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


class PooledOAuthStateStore(AsyncOAuthStateStore):
    """slack_sdk's SQLAlchemyOAuthStateStore (slack_oauth_states), run on the pool."""

    def __init__(self, *, engine: Engine, pool: Executor, expiration_seconds: int) -> None:
        self._store = SQLAlchemyOAuthStateStore(
            expiration_seconds=expiration_seconds, engine=_writing(engine)
        )
        self._pool = pool

    @property
    def logger(self) -> Logger:
        return self._store.logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await _on(self._pool, self._store.issue)

    async def async_consume(self, state: str) -> bool:
        return await _on(self._pool, self._store.consume, state)
