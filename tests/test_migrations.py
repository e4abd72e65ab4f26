"""The Alembic migrations build exactly the schema the models describe, and run both ways."""

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage import migrate, projects
from storage.db import create_db_engine
from storage.models import Kpi

SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}
# Which tables a comparison looks at: pmbot's own (SQLModel.metadata), or slack_sdk's (migration 0003).
PMBOT = {"include_name": lambda name, type_, _parents: type_ != "table" or name not in SLACK_TABLES}
SLACK = {"include_name": lambda name, type_, _parents: type_ != "table" or name in SLACK_TABLES}


def test_the_migrated_schema_matches_the_models(database):
    with database.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect the KPI name expression index
        differences = compare_metadata(MigrationContext.configure(connection, opts=PMBOT), SQLModel.metadata)
    assert differences == []
    assert migrate.is_current(database.engine)


def test_upgrade_is_idempotent_and_downgrade_reverses_it(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert {"project", "risk", "auditevent", "handledrequest"} <= set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        command.downgrade(migrate.alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_the_database_itself_keeps_kpi_names_unique_whatever_their_case(churn, database, clock):
    with database.session(write=False) as db:  # never committed
        project = projects.by_key(db, tenant_id="T1", key="churn")
        assert project is not None
        for name in ("Recall", "RECALL"):
            db.add(
                Kpi(
                    tenant_id="T1",
                    project_id=project.id or 0,
                    name=name,
                    baseline=0,
                    target=1,
                    created_at=clock(),
                )
            )
        with pytest.raises(IntegrityError):
            db.flush()


def slack_sdk_tables() -> MetaData:
    """The tables as slack_sdk itself defines them, for the version installed."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore as Installations
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore as States

    metadata = MetaData()
    Installations.build_installations_table(metadata, Installations.default_installations_table_name)
    Installations.build_bots_table(metadata, Installations.default_bots_table_name)
    States.build_oauth_states_table(metadata, States.default_table_name)
    assert set(metadata.tables) == SLACK_TABLES
    return metadata


def test_the_migrated_slack_tables_match_slack_sdks_own(database):
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts=SLACK), slack_sdk_tables())
    assert differences == []
    assert set(inspect(database.engine).get_table_names()) >= SLACK_TABLES


def test_autogenerate_sees_no_difference_and_leaves_the_slack_tables_alone(database):
    """`alembic check` runs env.py as `migrate.revision` does: nothing to write, no slack_* table dropped."""
    with database.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect the KPI name expression index
        command.check(migrate.alembic_config(connection))
