"""use cases and experiments

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

The portfolio backlog of proposed use cases (with each person's scores and a per-tenant U-n counter),
a project's experiments (E-n), and on projects the business problem they answer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenantcounter",
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "name"),
    )
    op.create_table(
        "usecase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("problem", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("proposer_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("owner_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("rejected_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "number", name="uq_usecase_tenant_number"),
    )
    with op.batch_alter_table("usecase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usecase_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "usecasescore",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("usecase_id", sa.Integer(), nullable=False),
        sa.Column("scorer_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("feasibility", sa.Integer(), nullable=False),
        sa.Column("data", sa.Integer(), nullable=False),
        sa.Column("risk", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("scored_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["usecase_id"],
            ["usecase.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("usecase_id", "scorer_id", name="uq_usecasescore_usecase_scorer"),
    )
    with op.batch_alter_table("usecasescore", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usecasescore_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_usecasescore_usecase_id"), ["usecase_id"], unique=False)

    op.create_table(
        "experiment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hypothesis", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("learned", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("result_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("result_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("kpi_measurement_id", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_measurement_id"],
            ["kpimeasurement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "number", name="uq_experiment_project_number"),
    )
    with op.batch_alter_table("experiment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experiment_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_experiment_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("experiment_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("problem", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
        )
    with op.batch_alter_table("project", schema=None) as batch_op:
        # The default only fills the projects that exist; like the other counters, the model sets it.
        batch_op.alter_column("experiment_seq", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("problem")
        batch_op.drop_column("experiment_seq")

    with op.batch_alter_table("experiment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experiment_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_experiment_project_id"))

    op.drop_table("experiment")
    with op.batch_alter_table("usecasescore", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usecasescore_usecase_id"))
        batch_op.drop_index(batch_op.f("ix_usecasescore_tenant_id"))

    op.drop_table("usecasescore")
    with op.batch_alter_table("usecase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usecase_tenant_id"))

    op.drop_table("usecase")
    op.drop_table("tenantcounter")
