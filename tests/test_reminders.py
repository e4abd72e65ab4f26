"""What reminders say and when they hold back: built when sent, so nothing done since is chased; paused
people, snoozed items and closed projects wait; a risk's review date is announced once; a digest and the
portfolio go where they belong, and never for a time before the project existed."""

import logging
from datetime import UTC, datetime, time

from storage import outbox
from tests.scheduling import Harness, brief

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def harness_for(service, slack, clock, executor, **config) -> Harness:
    return Harness(services=service.services, fake=slack, clock=clock, executor=executor, **config)


def test_a_reminder_is_built_when_sent_so_what_was_done_meanwhile_is_not_chased(
    churn, service, slack, clock, executor, database, caplog
):
    churn("settings review off")
    churn('deliverable add "Labels" owner @bob due today')
    # 07:00 is in @bob's quiet hours (until 08:00): planned at 07:00, sent at 08:00.
    harness = harness_for(service, slack, clock, executor, reminder_time=time(7, 0))
    harness.run(until=at(19, 7))
    clock.now = at(19, 7, 30)
    assert churn.as_("bob")("deliverable done A-1").startswith("✓ Done: A-1")
    with caplog.at_level(logging.INFO, logger="storage.outbox"):
        harness.run(until=at(19, 12))
    assert brief(harness.deliveries) == []
    with database.session(write=False) as db:
        [row] = outbox.of_tenant(db, tenant_id="T1")
    assert (row.key, row.status, row.due_at, row.next_attempt_at) == (
        "overdue:bob:2026-11-19",
        "skipped",
        at(19, 7),
        at(19, 8),
    )
    assert "everything in it was done, snoozed or reviewed since" in caplog.text


def test_a_paused_person_gets_nothing_until_the_pause_ends(churn, service, slack, clock, executor):
    churn("settings review off")
    churn('deliverable add "Labels" owner @bob due today')
    assert churn.as_("bob")("remind off until monday").startswith("✓ Your reminders are paused")
    harness = harness_for(service, slack, clock, executor)
    delivered = harness.run(until=at(24, 12))
    assert [d for d in brief(delivered) if d[1] == "bob"] == [
        ("Mon 23 09:00", "bob", "Mon 23 Nov 2026: 1 overdue deliverable"),
        ("Tue 24 09:00", "bob", "Tue 24 Nov 2026: 1 overdue deliverable"),
    ]


def test_a_risk_review_date_is_announced_once_to_its_owner_or_else_the_project_owner(
    churn, service, slack, clock, executor
):
    churn("settings review off")
    churn('risk add "Label noise" owner @bob review friday')
    churn('risk add "Vendor delay" review friday')  # no owner: the project owner hears of it
    churn('risk add "Closed before" owner @bob review thursday')
    churn("risk close R-3")
    harness = harness_for(service, slack, clock, executor)
    delivered = [d for d in harness.run(until=at(25, 12)) if d.to != "C-churn"]
    # Reviews by Friday pass at the weekend: announced on Monday, the first working day after, once.
    assert brief(delivered) == [
        ("Mon 23 09:00", "alice", "Mon 23 Nov 2026: 1 risk to review"),
        ("Mon 23 09:00", "bob", "Mon 23 Nov 2026: 1 risk to review"),
    ]
    assert delivered[0].text.splitlines()[1:3] == [
        "Risks past their review date",
        "• churn · R-2 · score 9 (p3×i3) · Vendor delay · no owner · review by Fri 20 Nov 2026",
    ]


def test_a_closed_project_sends_nothing(churn, service, slack, clock, executor):
    churn('deliverable add "Labels" owner @bob due today')
    churn("phase closed")
    assert brief(harness_for(service, slack, clock, executor).run(until=at(25, 12))) == []


def test_nothing_is_sent_for_a_time_before_the_project_existed(chat, service, slack, clock, executor):
    clock.now = at(20, 16, 30)  # Friday, half an hour after the default digest time
    assert chat('project new churn "Churn model"').startswith("✓")
    assert chat("settings review off").startswith("✓")
    assert chat('status on-track "Kick-off done"').startswith("✓")
    clock.now = at(20, 17)
    delivered = harness_for(service, slack, clock, executor).run(until=at(27, 17))
    assert [(d[0], d[1]) for d in brief(delivered)] == [("Fri 27 16:00", "C-churn")]


def test_a_project_with_no_home_channel_sends_its_digest_to_its_owner(chat, service, slack, clock, executor):
    assert chat('project new churn "Churn model"').startswith("✓")
    assert chat('project new ocr "Invoice OCR" owner @bob').startswith("✓")  # C-churn is churn's home
    for key in ("churn", "ocr"):
        chat(f"{key}: settings review off")
        chat(f'{key}: status on-track "Going well"')
    delivered = harness_for(service, slack, clock, executor).run(until=at(20, 17))
    assert brief(delivered) == [
        ("Fri 20 16:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026"),
        ("Fri 20 16:00", "bob", "Weekly digest of Invoice OCR (ocr), week to Fri 20 Nov 2026"),
    ]


def test_the_portfolio_digest_goes_to_the_portfolio_channel_at_its_time(
    churn, service, slack, clock, executor
):
    churn("settings review off")
    churn('status on-track "Going well"')
    assert churn("settings portfolio-channel #leadership").startswith("✓")
    harness = harness_for(service, slack, clock, executor, portfolio_schedule="fri 18:00")
    delivered = harness.run(until=at(20, 19))
    assert [(d[0], d[1]) for d in brief(delivered)] == [
        ("Fri 20 16:00", "C-churn"),
        ("Fri 20 18:00", "leadership"),
    ]
    assert harness.run(until=at(21, 19)) == []  # once a week
