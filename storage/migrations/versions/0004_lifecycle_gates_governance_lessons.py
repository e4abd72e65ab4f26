"""lifecycle gates governance lessons

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gatecheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("checked_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("checked_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "phase", "item", name="uq_gatecheck_project_item"),
    )
    with op.batch_alter_table("gatecheck", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gatecheck_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_gatecheck_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "governance",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ai_act_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("personal_data", sa.Boolean(), nullable=True),
        sa.Column("data_categories", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("lawful_basis", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("dpia", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("processors", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("model_doc_link", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("project_id"),
    )
    with op.batch_alter_table("governance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_governance_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lesson_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gate", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("snapshot", sa.JSON(), nullable=True))

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phase_started_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("timebox_until", sa.Date(), nullable=True))

    with op.batch_alter_table("tenantsettings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gate_templates", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenantsettings", schema=None) as batch_op:
        batch_op.drop_column("gate_templates")

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("timebox_until")
        batch_op.drop_column("phase_started_at")

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("snapshot")
        batch_op.drop_column("gate")

    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_lesson_project_id"))

    op.drop_table("lesson")
    with op.batch_alter_table("governance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_tenant_id"))

    op.drop_table("governance")
    with op.batch_alter_table("gatecheck", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gatecheck_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_gatecheck_project_id"))

    op.drop_table("gatecheck")
