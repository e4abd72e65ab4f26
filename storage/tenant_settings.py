"""What a workspace or tenant chose for itself: LLM use, the portfolio digest's channel and its own
gate checklists.

A tenant without a row has the defaults. Every change is audited, naming the tenant.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import audit
from storage.models import TenantSettings


def llm_enabled(session: Session, *, tenant_id: str) -> bool:
    row = session.get(TenantSettings, tenant_id)
    return True if row is None else row.llm_enabled


def set_llm_enabled(session: Session, *, tenant_id: str, enabled: bool, actor_id: str, now: datetime) -> None:
    _change(session, tenant_id, "llm", "llm_enabled", enabled, actor_id=actor_id, now=now)


def portfolio_channel(session: Session, *, tenant_id: str) -> str | None:
    """Where the tenant's portfolio digest is posted; None when it is not posted."""
    row = session.get(TenantSettings, tenant_id)
    return None if row is None else row.portfolio_channel


def set_portfolio_channel(
    session: Session, *, tenant_id: str, channel: str | None, actor_id: str, now: datetime
) -> str | None:
    """Post the portfolio digest in `channel`, or nowhere (None); returns the channel before."""
    before = portfolio_channel(session, tenant_id=tenant_id)
    _change(session, tenant_id, "portfolio_channel", "portfolio_channel", channel, actor_id=actor_id, now=now)
    return before


def portfolio_channels(session: Session) -> dict[str, str]:
    """Every tenant that has a portfolio channel, with it: tenant id → channel id."""
    query = select(TenantSettings.tenant_id, TenantSettings.portfolio_channel).where(
        col(TenantSettings.portfolio_channel).is_not(None)
    )
    return {tenant_id: channel for tenant_id, channel in session.exec(query).all() if channel}


def gate_templates(session: Session, *, tenant_id: str) -> dict[str, Any]:
    """The tenant's own gate checklists, phase → items, replacing the shipped ones; {} when none."""
    row = session.get(TenantSettings, tenant_id)
    return dict(row.gate_templates or {}) if row is not None else {}


def set_gate_templates(
    session: Session, *, tenant_id: str, templates: dict[str, Any], actor_id: str, now: datetime
) -> None:
    """Replace the tenant's own gate checklists (phase → items; {} goes back to the shipped ones)."""
    _change(
        session, tenant_id, "gate_templates", "gate_templates", templates or None, actor_id=actor_id, now=now
    )


def _change(
    session: Session, tenant_id: str, name: str, column: str, value: Any, *, actor_id: str, now: datetime
) -> None:
    row = session.get(TenantSettings, tenant_id) or TenantSettings(
        tenant_id=tenant_id, updated_by=actor_id, updated_at=now
    )
    audit.record(
        session,
        project=None,
        tenant_id=tenant_id,
        actor_id=actor_id,
        at=now,
        action=f"settings.{name}",
        before={name: getattr(row, column)},
        after={name: value},
    )
    setattr(row, column, value)
    row.updated_by = actor_id
    row.updated_at = now
    session.add(row)
