"""Someone pmbot cannot reach: when a person's reminder fails for good, the owner of each project it was
about is told who missed it and why, once a day; when the owner is the one unreachable, their
project's channel is told. A rate limit or a server error is retried instead, and tells nobody."""

from datetime import UTC, datetime, timedelta

from storage import outbox
from tests.scheduling import Harness, brief

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures

MINUTE = timedelta(minutes=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def statuses(database, day: str) -> dict[str, str]:
    """The outbox rows of the messages for `day`, with their status."""
    with database.session(write=False) as db:
        return {m.key: m.status for m in outbox.of_tenant(db, tenant_id="T1") if m.key.endswith(day)}


def test_the_owner_hears_once_a_day_who_could_not_be_reached_and_why(
    churn, chat, service, slack, clock, executor, database
):
    churn("settings review off")
    churn('deliverable add "Labels" owner @bob due today')
    ocr = chat.as_(channel="C-ocr")
    assert ocr('project new ocr "Invoice OCR"').startswith("✓")
    ocr("settings review off")
    ocr('deliverable add "Layouts" owner @bob due today')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=at(20, 8, 59))
    slack.fail_next("chat.postMessage", error="channel_not_found")  # bob's DM, on Friday at 09:00

    delivered = harness.run(until=at(20, 9, 30), every=MINUTE)

    assert brief(delivered) == [
        ("Fri 20 09:00", "bob", "Fri 20 Nov 2026: 2 overdue deliverables"),  # refused by Slack
        ("Fri 20 09:00", "alice", "pmbot could not reach @bob with their reminder"),  # same tick
    ]
    notice = delivered[1].text
    assert "churn, ocr" in notice  # one notice for both of her projects
    assert "chat.postMessage: channel_not_found" in notice
    assert "in Slack, check that their account is still active" in notice
    assert statuses(database, "2026-11-20") == {
        "overdue:bob:2026-11-20": "failed",
        "unreachable:alice:bob:2026-11-20": "sent",
    }

    harness.run(until=at(23, 8, 59))  # the weekly digests go out on Friday
    slack.fail_next("chat.postMessage", error="channel_not_found")  # Monday: still unreachable
    later = harness.run(until=at(23, 9, 30), every=MINUTE)
    assert [entry[1:] for entry in brief(later)] == [
        ("bob", "Mon 23 Nov 2026: 2 overdue deliverables"),
        ("alice", "pmbot could not reach @bob with their reminder"),
    ]


def test_an_unreachable_owner_is_reported_in_the_project_channel(churn, service, slack, clock, executor):
    churn("settings review off")
    churn('deliverable add "Labels" owner @alice due today')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=at(20, 8, 59))
    slack.fail_next("chat.postMessage", error="channel_not_found")
    delivered = harness.run(until=at(20, 9, 30), every=MINUTE)
    assert [entry[1:] for entry in brief(delivered)] == [
        ("alice", "Fri 20 Nov 2026: 1 overdue deliverable"),
        ("C-churn", "pmbot could not reach @alice with their reminder"),
    ]


def test_a_failure_that_is_retried_tells_nobody(churn, service, slack, clock, executor, database):
    churn("settings review off")
    churn('deliverable add "Labels" owner @bob due today')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    harness.run(until=at(20, 8, 59))
    slack.fail_next("chat.postMessage", status=500)
    delivered = harness.run(until=at(20, 9, 30), every=MINUTE)
    assert [entry[1:] for entry in brief(delivered)] == [
        ("bob", "Fri 20 Nov 2026: 1 overdue deliverable"),  # the 500
        ("bob", "Fri 20 Nov 2026: 1 overdue deliverable"),  # retried a minute later, delivered
    ]
    assert statuses(database, "2026-11-20") == {"overdue:bob:2026-11-20": "sent"}
