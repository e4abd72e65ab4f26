"""What the LLM costs and has already answered: the answer cache and token usage per tenant and month.

Whether a tenant allows the LLM at all is one of its settings: storage/tenant_settings.py.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from storage.models import LlmUsage, SummaryCache


def cached(session: Session, *, key: str) -> dict[str, Any] | None:
    row = session.get(SummaryCache, key)
    return None if row is None else row.answer


def remember(
    session: Session,
    *,
    key: str,
    tenant_id: str,
    prompt_version: str,
    model: str,
    answer: dict[str, Any],
    now: datetime,
) -> None:
    """Keep an answer; when two processes asked the same at once, the first one kept wins."""
    try:
        with session.begin_nested():
            session.add(
                SummaryCache(
                    key=key,
                    tenant_id=tenant_id,
                    prompt_version=prompt_version,
                    model=model,
                    answer=answer,
                    created_at=now,
                )
            )
    except IntegrityError:
        pass


def add_usage(
    session: Session, *, tenant_id: str, month: str, prompt_tokens: int, completion_tokens: int
) -> None:
    """Count one call; one statement (insert, or add to the month's row), so that two calls counted at
    once, by two threads or two processes, never collide on the month's first row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(LlmUsage).values(
        tenant_id=tenant_id,
        month=month,
        calls=1,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )
    session.exec(
        insert.on_conflict_do_update(
            index_elements=["tenant_id", "month"],
            set_={
                "calls": col(LlmUsage.calls) + 1,
                "prompt_tokens": col(LlmUsage.prompt_tokens) + insert.excluded.prompt_tokens,
                "completion_tokens": col(LlmUsage.completion_tokens) + insert.excluded.completion_tokens,
            },
        )
    )


def usage(session: Session, *, tenant_id: str, months: int) -> Sequence[LlmUsage]:
    """The tenant's newest `months` months of usage, newest first."""
    query = (
        select(LlmUsage)
        .where(LlmUsage.tenant_id == tenant_id)
        .order_by(col(LlmUsage.month).desc())
        .limit(months)
    )
    return session.exec(query).all()


def forget_cached_before(session: Session, *, before: datetime) -> int:
    """Forget LLM answers cached before `before`; asked again, they are made again."""
    return session.exec(delete(SummaryCache).where(col(SummaryCache.created_at) < before)).rowcount
