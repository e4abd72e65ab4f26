"""Alembic environment: runs on the connection that storage.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Keep autogenerate off the slack_* tables: slack_sdk's stores own them (migration 0003), and they
    are not in SQLModel.metadata, so a comparison would otherwise want to drop them."""
    return not (type_ == "table" and (name or "").startswith("slack_"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
