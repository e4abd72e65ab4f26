"""Requests already carried out, so that a platform's retry of the same request records nothing twice."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete

from storage.models import HandledRequest


def claim(session: Session, *, tenant_id: str, request_id: str, now: datetime) -> dict[str, Any] | None:
    """Claim the request in the current transaction, or return the reply it already got.

    The claim is a unique insert: a twin of the request running at the same moment fails on it at
    commit (PostgreSQL makes it wait for the first one), and its whole transaction rolls back.
    """
    earlier = session.get(HandledRequest, (tenant_id, request_id))
    if earlier is not None:
        return earlier.reply or {}
    session.add(HandledRequest(tenant_id=tenant_id, request_id=request_id, handled_at=now))
    session.flush()
    return None


def remember_reply(session: Session, *, tenant_id: str, request_id: str, reply: dict[str, Any]) -> None:
    handled = session.get(HandledRequest, (tenant_id, request_id))
    assert handled is not None, "claim() first"
    handled.reply = reply
    session.add(handled)


def earlier_reply(session: Session, *, tenant_id: str, request_id: str) -> dict[str, Any] | None:
    handled = session.get(HandledRequest, (tenant_id, request_id))
    return None if handled is None else handled.reply or {}


def forget_before(session: Session, *, before: datetime) -> int:
    """Forget requests handled before `before`: platforms retry within minutes, so old ones only take room."""
    return session.exec(delete(HandledRequest).where(col(HandledRequest.handled_at) < before)).rowcount
