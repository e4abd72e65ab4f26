"""Reminders at each reader's own 09:00, wherever they are, across daylight-saving changes, and never in
their night: the timezone is the one Slack gives for them (users.info), remembered for later."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import Person
from tests.scheduling import Harness, brief

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures


def quiet_digest(project: str, day: str, health: str) -> str:
    """The headline of the digest of a week when nothing was recorded."""
    return (
        f"Weekly digest of {project}, week to {day}: nothing was recorded this week — no status update "
        f"and no change to risks, decisions, deliverables or KPIs. Last known health: {health}."
    )


def test_a_person_in_asia_and_one_in_america_each_get_their_reminder_at_their_own_9(
    churn, service, slack, clock, executor, database
):
    slack.users.update({"yuki": {"tz": "Asia/Tokyo"}, "sam": {"tz": "America/New_York"}})
    churn("settings review off")
    for owner in ("@yuki", "@sam", "@kim"):  # @kim is unknown to Slack: the project's timezone (UTC)
        assert churn(f'deliverable add "Report for {owner}" owner {owner} due today').startswith("✓")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)

    delivered = harness.run(until=datetime(2026, 11, 21, 12, tzinfo=UTC))  # Wed 10:00 UTC to Saturday

    assert brief(delivered) == [
        ("Thu 19 00:00", "yuki", "Thu 19 Nov 2026: 1 overdue deliverable"),  # 09:00 in Tokyo
        ("Thu 19 09:00", "kim", "Thu 19 Nov 2026: 1 overdue deliverable"),  # 09:00 UTC
        ("Thu 19 14:00", "sam", "Thu 19 Nov 2026: 1 overdue deliverable"),  # 09:00 in New York
        ("Fri 20 00:00", "yuki", "Fri 20 Nov 2026: 1 overdue deliverable"),
        ("Fri 20 09:00", "kim", "Fri 20 Nov 2026: 1 overdue deliverable"),
        ("Fri 20 14:00", "sam", "Fri 20 Nov 2026: 1 overdue deliverable"),
        ("Fri 20 16:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026"),
        # Saturday 09:00 in Tokyo is Saturday 00:00 UTC: a weekend, nothing.
    ]
    with database.session(write=False) as db:
        assert {(p.user_id, p.timezone) for p in db.exec(select(Person)).all()} >= {
            ("yuki", "Asia/Tokyo"),
            ("sam", "America/New_York"),
        }


def test_a_direct_message_due_in_the_readers_night_waits_for_their_morning(
    chat, service, slack, clock, executor
):
    slack.users.update({"alice": {"tz": "Europe/Paris"}, "yuki": {"tz": "Asia/Tokyo"}})
    alice = chat.as_(tz="Europe/Paris")
    assert alice('project new churn "Churn model" owner @yuki').startswith("✓")
    assert chat.as_("yuki", tz="Asia/Tokyo")("settings digest fri 18:00").startswith("✓")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)

    delivered = harness.run(until=datetime(2026, 11, 23, 0, tzinfo=UTC), every=timedelta(minutes=30))

    assert brief(delivered) == [
        # The review falls due on Thursday 15:00 in Paris, 23:00 in Tokyo: @yuki gets it at 08:00
        # their Friday, when their quiet hours end.
        ("Thu 19 23:00", "yuki", "churn: its review is due and no status was posted since the last one"),
        # A channel has no night: the digest goes out at the project's time, 18:00 in Paris.
        ("Fri 20 17:00", "C-churn", quiet_digest("Churn model (churn)", "Fri 20 Nov 2026", "no status yet")),
        # Nothing was recorded this week, so @yuki hears that silence is a signal: not in their Saturday
        # night, nor at their weekend, but on Monday at 08:00 in Tokyo.
        ("Sun 22 23:00", "yuki", "churn: this week's digest had nothing to report"),
    ]


def test_a_daylight_saving_change_moves_the_utc_time_not_the_local_one(chat, service, slack, clock, executor):
    # New York leaves summer time on Sunday 1 November 2026: 09:00 there is 13:00 UTC before, 14:00 after.
    slack.users.update({"sam": {"tz": "America/New_York"}})
    clock.now = datetime(2026, 10, 29, 12, 0, tzinfo=UTC)  # Thursday, 08:00 in New York
    sam = chat.as_("sam", channel="C-ops", tz="America/New_York")
    assert sam('project new ops "Ops model"').startswith("✓")
    assert sam('status on-track "Kick-off done"').startswith("✓")
    assert sam('deliverable add "Runbook" owner @sam due today').startswith("✓")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)

    delivered = harness.run(until=datetime(2026, 11, 6, 23, tzinfo=UTC))

    reminder = "1 overdue deliverable"
    review = "ops: its review is due and no status was posted since the last one"
    assert brief(delivered) == [
        ("Fri 30 13:00", "sam", f"Fri 30 Oct 2026: {reminder}"),  # 09:00 EDT
        ("Fri 30 20:00", "C-ops", "Weekly digest of Ops model (ops), week to Fri 30 Oct 2026"),  # 16:00 EDT
        ("Mon 02 14:00", "sam", f"Mon 02 Nov 2026: {reminder}"),  # 09:00 EST
        ("Tue 03 14:00", "sam", f"Tue 03 Nov 2026: {reminder}"),
        ("Wed 04 14:00", "sam", f"Wed 04 Nov 2026: {reminder}"),
        ("Thu 05 14:00", "sam", f"Thu 05 Nov 2026: {reminder}"),
        ("Thu 05 20:00", "sam", review),  # 15:00 EST; no status since the review of 29 October
        ("Fri 06 14:00", "sam", f"Fri 06 Nov 2026: {reminder}"),
        # 16:00 EST; a quiet week, so its owner hears that silence is a signal.
        (
            "Fri 06 21:00",
            "C-ops",
            quiet_digest("Ops model (ops)", "Fri 06 Nov 2026", "🟢 on track"),
        ),
        ("Fri 06 21:00", "sam", "ops: this week's digest had nothing to report"),
    ]
    [reminder_of_review] = [d for d in delivered if d.headline == review]
    assert reminder_of_review.text.splitlines()[1:] == [
        "Project: Ops model",
        "Last status: 🟢 on track · Kick-off done · @sam · Thu 29 Oct 2026",
        "• Say where it stands: ops: status &lt;on-track|at-risk|off-track&gt; &lt;what happened&gt;",
    ]
