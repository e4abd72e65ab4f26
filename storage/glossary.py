"""A team's own glossary terms."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage import audit
from storage.models import GlossaryTerm


def team_terms(session: Session, *, tenant_id: str) -> Sequence[GlossaryTerm]:
    query = (
        select(GlossaryTerm)
        .where(GlossaryTerm.tenant_id == tenant_id)
        .order_by(func.lower(GlossaryTerm.name))
    )
    return session.exec(query).all()


def by_name(session: Session, *, tenant_id: str, name: str) -> GlossaryTerm | None:
    query = select(GlossaryTerm).where(
        GlossaryTerm.tenant_id == tenant_id, func.lower(GlossaryTerm.name) == name.lower()
    )
    return session.exec(query).first()


def put(
    session: Session, *, tenant_id: str, name: str, meaning: str, actor_id: str, now: datetime
) -> tuple[GlossaryTerm, str | None]:
    """Add a term or change its meaning; returns the term and the meaning it had before, if any."""
    term = by_name(session, tenant_id=tenant_id, name=name)
    before = term.meaning if term else None
    term = term or GlossaryTerm(
        tenant_id=tenant_id, name=name, meaning=meaning, added_by=actor_id, added_at=now
    )
    term.meaning, term.added_by, term.added_at = meaning, actor_id, now
    session.add(term)
    audit.record(
        session,
        project=None,
        tenant_id=tenant_id,
        actor_id=actor_id,
        at=now,
        action="glossary.put",
        ref=term.name,
        before={"meaning": before} if before else None,
        after={"meaning": meaning},
    )
    return term, before
