"""The outbox: every message the scheduler sends, claimed once by its key and leased while being sent.

- **Claim.** A message is enqueued under a deterministic key (`digest:churn:2026-W47`) with a unique
  insert that does nothing when the key exists: a message planned twice, by one process or by two at
  the same moment, is one row. PostgreSQL makes the second insert wait for the first one's commit.
- **Lease.** A process takes due rows (pending ones whose time has come, and `sending` ones whose lease
  ran out) and marks them `sending` until `lease_until`, in one transaction: on PostgreSQL with
  `SELECT … FOR UPDATE SKIP LOCKED`, so that two processes never take the same row; on SQLite the
  write transaction's BEGIN IMMEDIATE serializes them (pmbot on SQLite is one process).
- **Send.** Only after that commit does the process call the platform, then record `sent` with the
  platform's id for the message. A row that is `sent` is never leased again.
- **Fail.** A failed call is retried with exponential backoff (`backoff`, twice as long each time)
  until `max_attempts`; then, or when retrying cannot help, the row is `failed` and logged.
- **Skip.** What fell due longer ago than the grace window is recorded `skipped` and logged instead of
  being sent late, so nothing is silently lost.

The one window: if the process dies after the platform accepted a message and before `sent` is
committed, the lease runs out and a process sends the message again. That window is a single network
round trip, and a crash there costs one duplicate reminder; the other side (marking `sent` before the
call) would instead lose the message without a trace whenever the call or the process failed. pmbot
chooses at-least-once in that window only, and exactly-once everywhere else.

Outbox rows are the scheduler's own bookkeeping, not part of a project's record: their attempts,
errors and times are their own trail, so they write no AuditEvent.
"""

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, and_, col, or_, select

from storage.models import OutboxMessage
from storage.vocab import OutboxStatus

log = logging.getLogger(__name__)

MAX_ERROR = 500  # characters of an error kept on the row


def _insert(
    db: Session,
    *,
    tenant_id: str,
    key: str,
    kind: str,
    channel_id: str | None,
    user_id: str | None,
    subject: dict[str, Any],
    due_at: datetime,
    send_at: datetime,
    status: OutboxStatus,
    now: datetime,
    last_error: str | None = None,
) -> bool:
    assert (channel_id is None) != (user_id is None), "a message goes to a channel or to a person"
    values = {
        "tenant_id": tenant_id,
        "key": key,
        "kind": kind,
        "channel_id": channel_id,
        "user_id": user_id,
        "subject": subject,
        "due_at": due_at,
        "status": status,
        "attempts": 0,
        "next_attempt_at": send_at,
        "last_error": last_error,
        "created_at": now,
    }
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    claim = (
        dialect.insert(OutboxMessage)
        .values(values)
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .returning(col(OutboxMessage.id))
    )
    return db.exec(claim).first() is not None  # a row comes back only when the insert happened


def enqueue(
    db: Session,
    *,
    tenant_id: str,
    key: str,
    kind: str,
    channel_id: str | None = None,
    user_id: str | None = None,
    subject: dict[str, Any],
    due_at: datetime,
    send_at: datetime | None = None,
    now: datetime,
    grace: timedelta | None = None,
) -> OutboxStatus | None:
    """Claim `key` for a message to send at `send_at` (default: when it falls due): PENDING. One that
    should have gone out longer than `grace` ago is recorded SKIPPED instead, with a warning, and never
    sent. None when the key was claimed before, whatever became of it."""
    send_at = send_at or due_at
    late = now - send_at
    status, reason = OutboxStatus.PENDING, None
    if grace is not None and late > grace:
        status = OutboxStatus.SKIPPED
        reason = (
            f"not sent: it was due {late.total_seconds() / 3600:.1f} h ago, past the {grace} grace window"
        )
    claimed = _insert(
        db,
        tenant_id=tenant_id,
        key=key,
        kind=kind,
        channel_id=channel_id,
        user_id=user_id,
        subject=subject,
        due_at=due_at,
        send_at=send_at,
        status=status,
        now=now,
        last_error=reason,
    )
    if not claimed:
        return None
    if reason is not None:
        log.warning("outbox %s/%s skipped, %s", tenant_id, key, reason)
    return status


def existing_keys(db: Session, *, tenant_id: str, keys: Collection[str]) -> set[str]:
    """Which of `keys` the tenant's outbox already holds, whatever their status."""
    if not keys:
        return set()
    query = select(OutboxMessage.key).where(
        OutboxMessage.tenant_id == tenant_id, col(OutboxMessage.key).in_(keys)
    )
    return set(db.exec(query).all())


def lease_due(db: Session, *, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
    """Take up to `limit` messages due now, oldest first, and mark them sending until `now + lease`.

    Due: pending with `next_attempt_at <= now`, or sending with a lease that ran out (its process died
    or gave up). Each lease counts as an attempt. Commit before calling the platform.
    """
    due = or_(
        and_(col(OutboxMessage.status) == OutboxStatus.PENDING, col(OutboxMessage.next_attempt_at) <= now),
        and_(col(OutboxMessage.status) == OutboxStatus.SENDING, col(OutboxMessage.lease_until) <= now),
    )
    query = (
        select(OutboxMessage)
        .where(due)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    taken = list(db.exec(query).all())
    for message in taken:
        if message.status == OutboxStatus.SENDING:
            log.warning(
                "outbox %s/%s: its lease ran out while sending; sending again", message.tenant_id, message.key
            )
        message.status = OutboxStatus.SENDING
        message.lease_until = now + lease
        message.attempts += 1
        db.add(message)
    db.flush()
    return taken


def _leased(db: Session, message_id: int) -> OutboxMessage | None:
    """The message, if it is still being sent (not recorded by another process in the meantime)."""
    message = db.get(OutboxMessage, message_id)
    return message if message is not None and message.status == OutboxStatus.SENDING else None


def mark_sent(db: Session, *, message_id: int, message_ref: str | None, now: datetime) -> None:
    message = _leased(db, message_id)
    if message is None:
        return
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.message_ref = message_ref
    message.lease_until = None
    db.add(message)


def mark_skipped(db: Session, *, message_id: int, reason: str) -> None:
    """Nothing is left to say by the time the message was built (all done, a status posted)."""
    message = _leased(db, message_id)
    if message is None:
        return
    message.status = OutboxStatus.SKIPPED
    message.lease_until = None
    message.last_error = reason[:MAX_ERROR]
    db.add(message)
    log.info("outbox %s/%s not sent: %s", message.tenant_id, message.key, reason)


def mark_failed(
    db: Session,
    *,
    message_id: int,
    error: str,
    now: datetime,
    max_attempts: int,
    backoff: timedelta,
    retryable: bool = True,
    wait: timedelta | None = None,
) -> OutboxStatus | None:
    """Record a failed attempt: retry after `backoff`·2^(attempts−1) (at least `wait`, say a platform's
    Retry-After), or give up after `max_attempts` or when retrying cannot help. Returns the new status."""
    message = _leased(db, message_id)
    if message is None:
        return None
    message.last_error = error[:MAX_ERROR]
    message.lease_until = None
    if retryable and message.attempts < max_attempts:
        delay = max(backoff * 2 ** (message.attempts - 1), wait or timedelta(0))
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + delay
        log.info(
            "outbox %s/%s attempt %d failed (%s); retrying in %s",
            message.tenant_id,
            message.key,
            message.attempts,
            error,
            delay,
        )
    else:
        message.status = OutboxStatus.FAILED
        log.error(
            "outbox %s/%s failed after %d attempt(s), not retried: %s",
            message.tenant_id,
            message.key,
            message.attempts,
            error,
        )
    db.add(message)
    return OutboxStatus(message.status)


def of_tenant(db: Session, *, tenant_id: str) -> Sequence[OutboxMessage]:
    """The tenant's outbox, oldest first (for tests and an operator's look)."""
    query = select(OutboxMessage).where(OutboxMessage.tenant_id == tenant_id)
    return db.exec(query.order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))).all()
