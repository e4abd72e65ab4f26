"""A week of a project as Slack sees it: the scheduler ticks every hour of driven time and the Web API
fake receives exactly the expected messages, at the expected times, and nothing else."""

from datetime import UTC, datetime

from tests.scheduling import Harness, brief

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures

PARIS = {"tz": "Europe/Paris"}  # UTC+1 in November: 09:00 there is 08:00 UTC


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def buttons(slack, n: int) -> list[str]:
    """The commands behind the buttons of the n-th message posted."""
    blocks = slack.calls_to("chat.postMessage")[n].args["blocks"]
    return [e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_week_of_a_project(chat, service, slack, clock, executor):
    slack.users.update({"alice": PARIS, "bob": PARIS})
    alice = chat.as_(tz="Europe/Paris")  # Wednesday 18 November, 11:00 in Paris
    assert alice('project new churn "Churn model"').startswith("✓ Created project churn")
    assert alice('deliverable add "Labelled Q3 data" owner @bob due tomorrow').startswith("✓ Recorded A-1")
    assert alice('deliverable add "Customer extract" owner "IT data team" due tomorrow').startswith(
        "✓ Recorded A-2"
    )
    assert alice('risk add "Label noise in Q3 data" owner @alice review tue').startswith("✓ Recorded R-1")
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)

    first = harness.run(until=at(23, 9))
    assert brief(first) == [
        # Thursday 15:00 in Paris, the review time: no status since the project began.
        ("Thu 19 14:00", "alice", "churn: its review is due and no status was posted since the last one"),
        # Friday 09:00: A-1 (@bob's) and A-2 (an outside party's, so its project owner's) are a day late.
        ("Fri 20 08:00", "alice", "Fri 20 Nov 2026: 1 late item in your projects"),
        ("Fri 20 08:00", "bob", "Fri 20 Nov 2026: 1 overdue deliverable"),
        # Friday 16:00: the digest, in the project's channel.
        ("Fri 20 15:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 20 Nov 2026"),
        # Nothing at the weekend; Monday 09:00 again.
        ("Mon 23 08:00", "alice", "Mon 23 Nov 2026: 1 late item in your projects"),
        ("Mon 23 08:00", "bob", "Mon 23 Nov 2026: 1 overdue deliverable"),
    ]
    assert first[2].text.splitlines() == [
        "Fri 20 Nov 2026: 1 overdue deliverable",
        "Your overdue deliverables",
        "• churn · A-1 · Labelled Q3 data · due Thu 19 Nov 2026, 1 day overdue",
        "Away? remind off until &lt;date&gt; holds these reminders until you are back.",
    ]
    assert buttons(slack, 0) == ["churn: status"]  # the review reminder: post a status at one click
    assert buttons(slack, 2) == [
        "churn: deliverable done A-1",
        "churn: deliverable snooze A-1 tomorrow",
        "churn: deliverable snooze A-1 in 1 week",
    ]

    clock.now = at(23, 10)
    assert alice('status at-risk "Labels are late"').startswith("✓ Status of churn recorded")
    second = harness.run(until=at(25, 9))
    clock.now = at(25, 10)
    assert chat.as_("bob", tz="Europe/Paris")("churn: deliverable snooze A-1 friday").startswith(
        "✓ Snoozed A-1"
    )
    third = harness.run(until=at(27, 16))
    assert brief(second + third) == [
        ("Tue 24 08:00", "alice", "Tue 24 Nov 2026: 1 late item in your projects"),
        ("Tue 24 08:00", "bob", "Tue 24 Nov 2026: 1 overdue deliverable"),
        # A-1 is three working days late (Friday, Monday, Tuesday): its project owner hears of it too,
        # and R-1's review date (Tuesday) has passed.
        ("Wed 25 08:00", "alice", "Wed 25 Nov 2026: 2 late items in your projects, 1 risk to review"),
        ("Wed 25 08:00", "bob", "Wed 25 Nov 2026: 1 overdue deliverable"),
        # @bob snoozed A-1 until Friday: nobody hears of it on Thursday. No review reminder on
        # Thursday either: a status was posted since the last review.
        ("Thu 26 08:00", "alice", "Thu 26 Nov 2026: 1 late item in your projects"),
        ("Fri 27 08:00", "alice", "Fri 27 Nov 2026: 2 late items in your projects"),
        ("Fri 27 08:00", "bob", "Fri 27 Nov 2026: 1 overdue deliverable"),
        ("Fri 27 15:00", "C-churn", "Weekly digest of Churn model (churn), week to Fri 27 Nov 2026"),
    ]
    wednesday = next(d for d in second if d.to == "alice" and d.at == at(25, 8))
    assert wednesday.text.splitlines() == [
        "Wed 25 Nov 2026: 2 late items in your projects, 1 risk to review",
        "Overdue in projects you own",
        "• churn · A-1 · Labelled Q3 data · @bob · due Thu 19 Nov 2026, 6 days overdue",
        "• churn · A-2 · Customer extract · “IT data team” · due Thu 19 Nov 2026, 6 days overdue",
        "Risks past their review date",
        "• churn · R-1 · score 9 (p3×i3) · Label noise in Q3 data · @alice · review by Tue 24 Nov 2026",
        "Away? remind off until &lt;date&gt; holds these reminders until you are back.",
    ]
