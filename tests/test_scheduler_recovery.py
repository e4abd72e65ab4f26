"""What goes wrong, and what the scheduler does about it: a process dying in the middle of a digest
run, pmbot down over a digest time, Slack rate limits and errors on a send."""

import logging
from datetime import UTC, datetime, timedelta

from storage import outbox
from tests.scheduling import Harness, brief

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures

FRIDAY_16 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # the default digest time, fri 16:00 (UTC here)
MINUTE = timedelta(minutes=1)


def outbox_rows(database, tenant_id: str = "T1") -> dict[str, tuple[str, int]]:
    with database.session(write=False) as db:
        return {m.key: (m.status, m.attempts) for m in outbox.of_tenant(db, tenant_id=tenant_id)}


def three_projects(chat) -> None:
    for key in ("churn", "ocr", "fraud"):
        here = chat.as_(channel=f"C-{key}")
        assert here(f'project new {key} "{key.title()} model"').startswith("✓")
        here("settings review off")
        assert here('status on-track "Going well"').startswith("✓")


def test_a_process_dying_in_the_middle_of_a_digest_run_leaves_no_duplicate_and_nothing_missing(
    chat, service, slack, clock, executor, database
):
    three_projects(chat)
    dying = Harness(services=service.services, fake=slack, clock=clock, executor=executor, per_tick=1)
    assert brief(dying.run(until=FRIDAY_16 - MINUTE)) == []
    clock.now = FRIDAY_16
    assert dying.tick().outcome.sent == ["digest:churn:2026-W47"]  # sends one digest…
    with database.session(write=True) as db:  # …leases the next, and dies before sending it
        assert [m.key for m in outbox.lease_due(db, now=FRIDAY_16, lease=timedelta(minutes=5), limit=1)] == [
            "digest:fraud:2026-W47"
        ]

    restarted = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    assert [t.outcome.sent for t in map(restarted.tick, [FRIDAY_16 + MINUTE, FRIDAY_16 + 4 * MINUTE])] == [
        ["digest:ocr:2026-W47"],  # what nobody had leased goes at once
        [],  # the dead process's lease still holds
    ]
    assert restarted.tick(FRIDAY_16 + 5 * MINUTE).outcome.sent == [
        "digest:fraud:2026-W47"
    ]  # its lease ran out
    restarted.run(until=FRIDAY_16 + timedelta(hours=2), every=10 * MINUTE)

    posted = sorted(call.args["channel"] for call in slack.calls_to("chat.postMessage"))
    assert posted == ["C-churn", "C-fraud", "C-ocr"]
    assert outbox_rows(database) == {
        "digest:churn:2026-W47": ("sent", 1),
        "digest:ocr:2026-W47": ("sent", 1),
        "digest:fraud:2026-W47": ("sent", 2),
    }


def digest_deliveries(harness: Harness) -> list[tuple[str, str, str]]:
    return [entry for entry in brief(harness.deliveries) if entry[1] == "C-churn"]


def test_down_over_a_digest_time_and_started_within_the_grace_window_it_is_sent_on_start(
    churn, service, slack, clock, executor, database
):
    churn("settings review off")
    churn('status on-track "Going well"')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=datetime(2026, 11, 20, 12, tzinfo=UTC))  # …then down from Friday noon
    harness.tick(datetime(2026, 11, 21, 3, 59, tzinfo=UTC))  # back 11 h 59 min after the digest time
    assert digest_deliveries(harness) == [
        # The digest of the week it was due for.
        ("Sat 21 03:59", "C-churn", "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026")
    ]
    assert outbox_rows(database)["digest:churn:2026-W47"] == ("sent", 1)


def test_down_over_a_digest_time_and_started_after_the_grace_window_it_is_recorded_skipped_and_logged(
    churn, service, slack, clock, executor, database, caplog
):
    churn("settings review off")
    churn('status on-track "Going well"')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=datetime(2026, 11, 20, 12, tzinfo=UTC))
    with caplog.at_level(logging.WARNING, logger="storage.outbox"):
        harness.tick(datetime(2026, 11, 21, 4, 1, tzinfo=UTC))  # 12 h 1 min after the digest time
    assert digest_deliveries(harness) == []
    assert outbox_rows(database)["digest:churn:2026-W47"] == ("skipped", 0)
    assert "outbox T1/digest:churn:2026-W47 skipped, not sent: it was due 12.0 h ago" in caplog.text

    clock.now = datetime(2026, 11, 21, 5, tzinfo=UTC)
    churn('status on-track "Still going well"')
    harness.run(until=datetime(2026, 11, 27, 17, tzinfo=UTC))  # the next week's goes out on time
    assert digest_deliveries(harness) == [
        ("Fri 27 16:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 27 Nov 2026")
    ]


def test_a_rate_limit_then_a_server_error_are_retried_and_the_digest_delivered(
    churn, service, slack, clock, executor, database
):
    churn("settings review off")
    churn('status on-track "Going well"')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=FRIDAY_16 - MINUTE)
    slack.fail_next("chat.postMessage", status=429, retry_after=90)
    slack.fail_next("chat.postMessage", status=500)

    outcomes = [
        harness.tick(FRIDAY_16 + offset).outcome
        for offset in (timedelta(0), MINUTE, timedelta(seconds=90), 3 * MINUTE, timedelta(seconds=210))
    ]

    assert [(o.sent, o.retrying) for o in outcomes] == [
        ([], ["digest:churn:2026-W47"]),  # 429, Retry-After 90 s: longer than the first backoff (1 min)
        ([], []),
        ([], ["digest:churn:2026-W47"]),  # 500: retried after 2 min
        ([], []),
        (["digest:churn:2026-W47"], []),
    ]
    assert [call.args["channel"] for call in slack.calls_to("chat.postMessage")] == ["C-churn"] * 3
    assert outbox_rows(database)["digest:churn:2026-W47"] == ("sent", 3)


def test_a_send_that_cannot_succeed_is_failed_at_once_and_logged(
    churn, service, slack, clock, executor, database, caplog
):
    churn("settings review off")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=FRIDAY_16 - MINUTE)
    slack.fail_next("chat.postMessage", error="not_in_channel")
    with caplog.at_level(logging.ERROR, logger="storage.outbox"):
        assert harness.tick(FRIDAY_16).outcome.failed == ["digest:churn:2026-W47"]
    assert (
        "digest:churn:2026-W47 failed after 1 attempt(s), not retried: chat.postMessage: not_in_channel"
        in caplog.text
    )
    harness.run(until=FRIDAY_16 + timedelta(hours=1), every=10 * MINUTE)
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert outbox_rows(database)["digest:churn:2026-W47"] == ("failed", 1)
