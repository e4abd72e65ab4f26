"""indexes for data growth

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

Indexes that let the lists and sweeps read today's open work without scanning years of history
(benchmark 4, docs/PERFORMANCE.md).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index("ix_auditevent_project_at", ["project_id", "at"], unique=False)
        batch_op.create_index("ix_auditevent_tenant_at", ["tenant_id", "at"], unique=False)

    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deliverable_project_status_due", ["project_id", "status", "due_date"], unique=False
        )
        batch_op.create_index(
            "ix_deliverable_tenant_status_due", ["tenant_id", "status", "due_date"], unique=False
        )

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index("ix_risk_project_status", ["project_id", "status"], unique=False)
        batch_op.create_index("ix_risk_tenant_review", ["tenant_id", "review_by"], unique=False)

    with op.batch_alter_table("statusupdate", schema=None) as batch_op:
        batch_op.create_index("ix_statusupdate_project_created", ["project_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statusupdate", schema=None) as batch_op:
        batch_op.drop_index("ix_statusupdate_project_created")

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_tenant_review")
        batch_op.drop_index("ix_risk_project_status")

    with op.batch_alter_table("deliverable", schema=None) as batch_op:
        batch_op.drop_index("ix_deliverable_tenant_status_due")
        batch_op.drop_index("ix_deliverable_project_status_due")

    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index("ix_auditevent_tenant_at")
        batch_op.drop_index("ix_auditevent_project_at")
