"""The outbox's rules: a key is claimed once, due messages are leased, a lease that runs out is taken
again, failures are retried with backoff and then given up, and what is too old is recorded skipped."""

import logging
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from storage import outbox
from storage.vocab import OutboxStatus

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
LEASE = timedelta(minutes=5)


def enqueue(db, key: str, *, due_at: datetime = T0, **extra) -> OutboxStatus | None:
    return outbox.enqueue(
        db,
        tenant_id="T1",
        key=key,
        kind="digest",
        channel_id="C1",
        subject={"project": "churn"},
        due_at=due_at,
        now=T0,
        **extra,
    )


def lease(database, at: datetime, limit: int = 10) -> list[str]:
    with database.session(write=True) as db:
        return [m.key for m in outbox.lease_due(db, now=at, lease=LEASE, limit=limit)]


def rows(database) -> dict[str, tuple[str, int]]:
    with database.session(write=False) as db:
        return {m.key: (m.status, m.attempts) for m in outbox.of_tenant(db, tenant_id="T1")}


def fail(database, key: str, at: datetime, *, retryable: bool = True, wait: timedelta | None = None):
    with database.session(write=False) as db:
        message_id = next(m.id for m in outbox.of_tenant(db, tenant_id="T1") if m.key == key)
    with database.session(write=True) as db:
        return outbox.mark_failed(
            db,
            message_id=message_id,
            error="HTTP 500",
            now=at,
            max_attempts=3,
            backoff=MINUTE,
            retryable=retryable,
            wait=wait,
        )


def sent(database, key: str, at: datetime) -> None:
    with database.session(write=False) as db:
        message_id = next(m.id for m in outbox.of_tenant(db, tenant_id="T1") if m.key == key)
    with database.session(write=True) as db:
        outbox.mark_sent(db, message_id=message_id, message_ref="C1:1.0", now=at)


def test_a_key_is_claimed_once(database):
    with database.session(write=True) as db:
        assert enqueue(db, "digest:churn:2026-W47") is OutboxStatus.PENDING
        assert enqueue(db, "digest:churn:2026-W47") is None
        assert enqueue(db, "digest:churn:2026-W48") is OutboxStatus.PENDING
    with database.session(write=True) as db:  # in a later transaction too
        assert enqueue(db, "digest:churn:2026-W47") is None
    assert rows(database) == {
        "digest:churn:2026-W47": ("pending", 0),
        "digest:churn:2026-W48": ("pending", 0),
    }


def test_only_what_is_due_is_leased_oldest_first_and_each_lease_counts_as_an_attempt(database):
    with database.session(write=True) as db:
        enqueue(db, "later", due_at=T0 + MINUTE)
        enqueue(db, "second", due_at=T0)
        enqueue(db, "first", due_at=T0 - MINUTE)
    assert lease(database, T0) == ["first", "second"]
    assert lease(database, T0) == []  # leased: not taken twice
    assert rows(database) == {"first": ("sending", 1), "second": ("sending", 1), "later": ("pending", 0)}
    assert lease(database, T0 + MINUTE, limit=1) == ["later"]


def test_a_lease_that_runs_out_is_taken_again_but_a_sent_message_never(database):
    with database.session(write=True) as db:
        enqueue(db, "crashed")
        enqueue(db, "done")
    assert lease(database, T0) == ["crashed", "done"]
    sent(database, "done", T0)
    assert lease(database, T0 + LEASE - MINUTE) == []
    assert lease(database, T0 + LEASE) == ["crashed"]
    assert rows(database) == {"crashed": ("sending", 2), "done": ("sent", 1)}
    sent(database, "crashed", T0 + LEASE)
    assert lease(database, T0 + 10 * LEASE) == []
    assert rows(database) == {"crashed": ("sent", 2), "done": ("sent", 1)}


def test_a_failure_is_retried_with_exponential_backoff_then_given_up(database, caplog):
    with database.session(write=True) as db:
        enqueue(db, "flaky")
    at = T0
    waits = []
    for _ in range(2):
        assert lease(database, at) == ["flaky"]
        assert fail(database, "flaky", at) == OutboxStatus.PENDING
        with database.session(write=False) as db:
            retry_at = outbox.of_tenant(db, tenant_id="T1")[0].next_attempt_at
        waits.append(retry_at - at)
        assert lease(database, retry_at - timedelta(seconds=1)) == []
        at = retry_at
    assert waits == [MINUTE, 2 * MINUTE]
    assert lease(database, at) == ["flaky"]
    with caplog.at_level(logging.ERROR, logger="storage.outbox"):
        assert fail(database, "flaky", at) == OutboxStatus.FAILED
    assert "outbox T1/flaky failed after 3 attempt(s), not retried: HTTP 500" in caplog.text
    assert rows(database) == {"flaky": ("failed", 3)}
    assert lease(database, at + timedelta(days=1)) == []


def test_a_platform_asking_to_wait_longer_is_obeyed_and_a_hopeless_failure_is_not_retried(database):
    with database.session(write=True) as db:
        enqueue(db, "rate-limited")
        enqueue(db, "no-channel")
    assert lease(database, T0) == ["rate-limited", "no-channel"]
    fail(database, "rate-limited", T0, wait=timedelta(minutes=7))
    assert fail(database, "no-channel", T0, retryable=False) == OutboxStatus.FAILED
    assert lease(database, T0 + 6 * MINUTE) == []
    assert lease(database, T0 + 7 * MINUTE) == ["rate-limited"]
    assert rows(database)["no-channel"] == ("failed", 1)


def test_what_is_past_the_grace_window_is_recorded_skipped_and_logged_once(database, caplog):
    with caplog.at_level(logging.WARNING, logger="storage.outbox"), database.session(write=True) as db:
        claims = [
            outbox.enqueue(
                db,
                tenant_id="T1",
                key="digest:churn:2026-W47",
                kind="digest",
                channel_id="C1",
                subject={},
                due_at=T0,
                now=T0 + timedelta(hours=13),
                grace=timedelta(hours=12),
            )
            for _ in range(2)
        ]
    assert claims == [OutboxStatus.SKIPPED, None]
    assert caplog.text.count("digest:churn:2026-W47 skipped, not sent: it was due 13.0 h ago") == 1
    assert rows(database) == {"digest:churn:2026-W47": ("skipped", 0)}
    assert lease(database, T0 + timedelta(days=1)) == []
    with database.session(write=True) as db:
        assert enqueue(db, "digest:churn:2026-W47") is None  # and never sent later


if os.environ.get("TEST_DATABASE_URL"):  # SQLite has one writer at a time: pmbot on it is one process

    @pytest.mark.parametrize("database", ["postgresql"], indirect=True)
    def test_on_postgresql_two_processes_leasing_at_the_same_moment_take_different_messages(database):
        with database.session(write=True) as db:
            for n in range(4):
                enqueue(db, f"m{n}")
        with database.session(write=True) as first:
            taken_first = [m.key for m in outbox.lease_due(first, now=T0, lease=LEASE, limit=2)]
            # Another connection, while the first still holds its rows: it neither waits nor takes them.
            with database.session(write=True) as second:
                second.exec(text("SET LOCAL lock_timeout = '2s'"))
                taken_second = [m.key for m in outbox.lease_due(second, now=T0, lease=LEASE, limit=4)]
        assert (taken_first, taken_second) == (["m0", "m1"], ["m2", "m3"])
        assert rows(database) == {f"m{n}": ("sending", 1) for n in range(4)}
