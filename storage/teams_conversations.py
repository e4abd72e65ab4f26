"""The Teams conversations pmbot is in, for messages it sends unasked: keyword-only functions over
TeamsConversation. The reference is kept as the Teams adapter wrote it; storage does not read it."""

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from storage.models import TeamsConversation


def remember(
    session: Session,
    *,
    tenant_id: str,
    key: str,
    kind: str,
    reference: dict[str, Any],
    now: datetime,
    user_id: str | None = None,
    name: str | None = None,
) -> TeamsConversation:
    """Keep (or refresh) how to reach a conversation; a person's name is kept until a new one is known."""
    row = session.get(TeamsConversation, (tenant_id, key)) or TeamsConversation(
        tenant_id=tenant_id, key=key, kind=kind, reference=reference, updated_at=now
    )
    row.kind, row.reference, row.updated_at = kind, reference, now
    row.user_id = user_id or row.user_id
    row.name = name or row.name
    session.add(row)
    return row


def get(session: Session, *, tenant_id: str, key: str) -> TeamsConversation | None:
    return session.get(TeamsConversation, (tenant_id, key))


def personal(session: Session, *, tenant_id: str, user_id: str) -> TeamsConversation | None:
    """The person's personal chat with pmbot, if pmbot has one."""
    query = select(TeamsConversation).where(
        TeamsConversation.tenant_id == tenant_id,
        TeamsConversation.user_id == user_id,
        TeamsConversation.kind == "personal",
    )
    return session.exec(query).first()


def any_in(session: Session, *, tenant_id: str) -> TeamsConversation | None:
    """Some conversation of the tenant, the latest: where its Bot Connector service is (serviceUrl)."""
    query = (
        select(TeamsConversation)
        .where(TeamsConversation.tenant_id == tenant_id)
        .order_by(TeamsConversation.updated_at.desc())  # type: ignore[attr-defined]
    )
    return session.exec(query).first()


def names(session: Session, *, tenant_id: str) -> dict[str, str]:
    """The display name of each person pmbot has a personal chat with."""
    query = select(TeamsConversation).where(
        TeamsConversation.tenant_id == tenant_id,
        TeamsConversation.name.is_not(None),  # type: ignore[union-attr]
    )
    return {row.user_id: row.name for row in session.exec(query) if row.user_id and row.name}
