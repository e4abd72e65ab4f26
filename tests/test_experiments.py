"""Experiments: a hypothesis against a metric; a result on a KPI's metric is also a KPI measurement (in
the same command), judged by the target in the KPI's direction; `experiments` lists open and finished
ones; a failed one invites pivot, retry or stop as one command; the weekly digest says what finished
experiments mean; and one past its date without a result is in its author's daily reminder."""

from datetime import UTC, datetime

from sqlmodel import select

from bot.console.render import render
from storage.models import AuditEvent, Decision, Experiment, KpiMeasurement
from tests.scheduling import Harness, brief
from tests.test_digest import digest_of

pytest_plugins = ["tests.scheduler_fixtures"]  # the slack and executor fixtures

HYPOTHESIS = 'experiment add "Gradient boosting lifts recall" metric "recall"'


def test_an_experiment_on_a_kpi_takes_its_name_and_target(churn, count):
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    assert churn(f"{HYPOTHESIS} until friday").splitlines() == [
        "✓ Recorded experiment E-1: Gradient boosting lifts recall",
        "  Metric: Recall (a KPI of churn)",
        "  Target: 0.8 (the KPI's)",
        "  Result expected by: Fri 20 Nov 2026",
        '  When it is done: `experiment result E-1 <value> [success|fail|inconclusive] ["what we learned"]`',
    ]
    assert count(AuditEvent, action="experiment.add", ref="E-1") == 1


def test_a_result_on_a_kpi_records_a_measurement_and_is_judged_by_the_target(churn, count, database):
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    churn(HYPOTHESIS)
    reply = churn('experiment result E-1 0.83 "we can cut manual review by half"')
    assert reply.splitlines() == [
        "✓ Recorded the result of E-1: success — Recall came out at 0.83, meeting the target of 0.8",
        "  For sponsors: E-1 worked: “Gradient boosting lifts recall” — Recall came out at 0.83, meeting the"
        " target of 0.8. What we learned: we can cut manual review by half. For the goal: Recall: 0.83"
        " (baseline 0.5 → target 0.8, 109% of the way — target reached).",
        "  Also recorded: a measurement of the KPI Recall: 0.83",
    ]
    assert "Recall: 0.83 (baseline 0.5 → target 0.8, 109% of the way — target reached)" in churn("kpis")
    with database.session(write=False) as db:
        measurement = db.exec(select(KpiMeasurement)).one()
        experiment = db.exec(select(Experiment)).one()
        assert (measurement.value, measurement.note) == (0.83, "E-1: we can cut manual review by half")
        assert (experiment.outcome, experiment.kpi_measurement_id) == ("success", measurement.id)
    assert count(AuditEvent, action="kpi.set", ref="Recall") == 1
    assert count(AuditEvent, action="experiment.result", ref="E-1") == 1


def test_lower_is_better_kpis_are_judged_the_other_way(churn):
    churn('kpi add "Serving cost" baseline 1000 target 600 unit EUR lower-is-better')
    churn('experiment add "A smaller model serves as well" metric "serving cost" target 700')
    assert churn("experiment result E-1 650").startswith(
        "✓ Recorded the result of E-1: success — Serving cost came out at 650, meeting the target of 700"
    )


def test_a_metric_that_is_no_kpi_needs_the_outcome_and_records_no_measurement(churn, count):
    churn('experiment add "Agents like the drafts" metric "share of drafts sent unedited" target 0.5')
    assert churn("experiment result E-1 0.6") == (
        "✗ Say whether E-1 worked: add success, fail or inconclusive after the value.\n"
        '  Usage: experiment result E-n <value> [success|fail|inconclusive] ["what we learned"]'
    )
    assert count(AuditEvent, action="experiment.result") == 0
    assert churn("experiment result E-1 0.6 inconclusive only 40 drafts").startswith(
        "✓ Recorded the result of E-1: inconclusive — share of drafts sent unedited came out at 0.6 against a"
        " target of 0.5"
    )
    assert count(KpiMeasurement) == 0
    assert churn("experiment result E-1 0.7 success").startswith(
        "✗ E-1 already has its result (inconclusive)."
    )
    assert churn("experiment result E-1 0.7 success fail").startswith(
        "✗ Give one outcome: success, fail or inconclusive."
    )


def test_experiments_lists_open_ones_with_their_dates_and_finished_ones_with_what_they_mean(churn, clock):
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    churn(f"{HYPOTHESIS} until friday")
    churn('experiment add "Agents accept the drafts" metric "acceptance" target 0.5 until friday')
    churn("experiment result E-1 0.6")
    clock.advance(days=4)  # Sunday 22 Nov: E-2 is 2 days past its date
    assert churn("experiments").splitlines() == [
        "Experiments of churn: 1 open, 1 finished",
        "Open:",
        "  • E-2 · Agents accept the drafts · acceptance, target 0.5 · result due Fri 20 Nov 2026, 2 days past"
        " its date · @alice",
        "Finished:",
        "  • E-1 did not work: “Gradient boosting lifts recall” — Recall came out at 0.6, missing the target of"
        " 0.8. For the goal: Recall: 0.6 (baseline 0.5 → target 0.8, 33% of the way). A decision is needed:"
        " pivot, retry or stop.",
    ]
    [finished] = [s for s in churn.reply("experiments").sections if s.title == "Finished"]
    assert [a.command for a in finished.actions[0]] == [
        "churn: experiment decide E-1 pivot",
        "churn: experiment decide E-1 retry",
        "churn: experiment decide E-1 stop",
    ]


def test_a_failed_experiment_is_retried_pivoted_or_stopped_with_one_command(churn, count, database):
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    churn(f"{HYPOTHESIS} until friday")
    assert churn("experiment decide E-1 retry").startswith("✗ E-1 has no result yet")
    reply = churn.reply('experiment result E-1 0.6 "too few labelled cases"')
    [decide] = reply.sections
    assert [a.label for a in decide.actions[0]] == ["Pivot", "Retry", "Stop"]
    assert churn("experiment decide E-1 retry").splitlines() == [
        "✓ Recorded D-1: Retry E-1 as E-2: Gradient boosting lifts recall",
        "  Because: E-1 failed: Recall came out at 0.6, missing the target of 0.8. Learned: too few labelled cases",
        "  Decided by: @alice",
        "  Recorded E-2 to test it again, result due Fri 20 Nov 2026.",
    ]
    assert churn("experiment decide E-1 stop").startswith("✗ D-1 already records what was decided after E-1.")
    churn("experiment result E-2 0.65 fail")
    assert churn('experiment decide E-2 pivot "Label 5,000 more cases first"').startswith(
        "✓ Recorded D-2: Pivot after E-2: Label 5,000 more cases first"
    )
    assert "Decided next: D-2." in churn("experiments")
    with database.session(write=False) as db:
        decision = db.exec(select(Decision).where(Decision.number == 2)).one()
        assert decision.alternatives == "retry, stop"
    assert count(Experiment) == 2
    assert count(AuditEvent, action="experiment.decide") == 2


def test_numbers_are_per_project(churn):
    churn(HYPOTHESIS)
    churn.as_(channel="C-ocr")('project new ocr "Invoice OCR"')
    assert churn('ocr: experiment add "Layout model reads tables" metric accuracy').startswith(
        "✓ Recorded experiment E-1"
    )
    assert churn('experiment add "Second" metric recall').startswith("✓ Recorded experiment E-2")


def test_the_digest_says_what_finished_experiments_mean_and_offers_the_decision(
    churn, service, database, clock
):
    churn('kpi add "Accuracy" baseline 80 target 90')
    churn('experiment add "The cheaper model keeps accuracy" metric "accuracy"')
    churn('experiment add "Prompt tuning beats fine-tuning" metric "accuracy" target 95')
    churn('experiment result E-1 91 "we can cut serving cost"')
    churn("experiment result E-2 88")
    digest = digest_of(service, database, clock)
    text = render(digest.reply)
    assert text.split("Experiments finished this week:\n")[1].splitlines()[:2] == [
        "  • E-1 worked: “The cheaper model keeps accuracy” — Accuracy came out at 91, meeting the target of"
        " 90. What we learned: we can cut serving cost. For the goal: Accuracy: 91 (baseline 80 → target"
        " 90, 110% of the way — target reached).",
        "  • E-2 did not work: “Prompt tuning beats fine-tuning” — Accuracy came out at 88, missing the target"
        " of 95. For the goal: Accuracy: 88 (baseline 80 → target 90, 80% of the way). A decision is"
        " needed: pivot, retry or stop.",
    ]
    [section] = [s for s in digest.reply.sections if s.title == "Experiments finished this week"]
    assert section.actions[0] == ()
    assert [a.command for a in section.actions[1]] == [
        "churn: experiment decide E-2 pivot",
        "churn: experiment decide E-2 retry",
        "churn: experiment decide E-2 stop",
    ]


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_an_experiment_past_its_date_without_a_result_is_in_its_authors_reminder(
    churn, service, slack, clock, executor
):
    churn("settings review off")
    churn.as_("bob")('experiment add "Boosting lifts recall" metric "recall" until thursday')
    churn('experiment add "Answered in time" metric "recall" until thursday')
    harness = Harness(services=service.services, fake=slack, clock=clock, executor=executor)
    clock.now = at(20, 8)
    churn("experiment result E-2 0.7 success")
    delivered = [d for d in harness.run(until=at(23, 12)) if d.to != "C-churn"]
    assert brief(delivered) == [
        ("Fri 20 09:00", "bob", "Fri 20 Nov 2026: 1 experiment without its result"),
        ("Mon 23 09:00", "bob", "Mon 23 Nov 2026: 1 experiment without its result"),
    ]
    assert delivered[0].text.splitlines()[1:3] == [
        "Experiments past their date without a result",
        "• churn · E-1 · Boosting lifts recall · recall · result due Thu 19 Nov 2026 — churn: experiment result"
        ' E-1 &lt;value&gt; [success|fail|inconclusive] ["what we learned"]',
    ]
    clock.now = at(23, 13)
    churn.as_("bob")("experiment result E-1 0.6 fail")
    assert [d for d in harness.run(until=at(24, 12)) if d.to == "bob"] == []
