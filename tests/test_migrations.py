"""The Alembic migrations build exactly the schema the models describe, and run both ways."""

import warnings

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage import migrate, projects
from storage.db import create_db_engine
from storage.models import Kpi


def test_the_migrated_schema_matches_the_models(database):
    with database.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect the KPI name expression index
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
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
