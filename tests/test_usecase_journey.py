"""From “which AI project?” to “did the experiment work?”, end to end: a use case proposed, scored by three
people, promoted to a project, and an experiment whose result moves a KPI and appears in the weekly
digest; and the same first steps typed in the `pmbot` console."""

from bot.console.render import render
from handlers.digest import portfolio_digest
from tests.test_cli import run
from tests.test_digest import digest_of


def test_a_use_case_becomes_a_project_whose_experiment_moves_a_kpi_in_the_digest(
    chat, service, database, clock
):
    portfolio = chat.as_("alice", channel="C-portfolio")
    assert portfolio(
        'usecase add "Fraud detection" problem "Card fraud costs 2M a year and analysts check every alert by hand"'
    ).startswith("✓ Proposed U-1: Fraud detection")
    for person, scores in (
        ("bob", "value 5 feasibility 4 data 3 risk 2"),
        ("carol", "value 4 feasibility 4 data 4 risk 3"),
        ("dave", "value 4 feasibility 3 data 3"),
    ):
        assert portfolio.as_(person)(f"usecase score U-1 {scores}").startswith("✓ Scored U-1")
    assert portfolio("usecases").splitlines()[2] == (
        "  • U-1 · Fraud detection · priority 34 · proposed · value 4.3 (4–5) · feasibility 3.7 (3–4)"
        " · data 3.3 (3–4) · risk 2.5 (2–3) · 3 scores · proposed by @alice"
    )
    fraud = chat.as_("alice", channel="C-fraud")
    assert fraud("usecase promote U-1 fraud").startswith(
        "✓ Promoted U-1 to project fraud: Fraud detection\n  Phase: framing"
    )

    fraud('kpi add "Recall" baseline 0.5 target 0.8')
    fraud('kpi set "Recall" 0.55')
    clock.advance(days=8)
    fraud('experiment add "Gradient boosting catches more fraud" metric "recall" until next friday')
    assert fraud(
        'experiment result E-1 0.82 "we can let analysts review only the riskiest alerts"'
    ).startswith("✓ Recorded the result of E-1: success — Recall came out at 0.82, meeting the target of 0.8")

    text = render(digest_of(service, database, clock, "fraud").reply)
    assert (
        "Experiments finished this week:\n"
        "  • E-1 worked: “Gradient boosting catches more fraud” — Recall came out at 0.82, meeting the target of"
        " 0.8. What we learned: we can let analysts review only the riskiest alerts. For the goal: Recall: 0.82"
        " (baseline 0.5 → target 0.8, 106% of the way — target reached)."
    ) in text
    assert (
        "Success KPIs measured this week:\n"
        "  • Recall: 0.82 (baseline 0.5 → target 0.8, 106% of the way — target reached) — up from 0.55, toward"
        " the target"
    ) in text
    assert "  • fraud · Fraud detection · framing · " in render(
        portfolio_digest(service.services, tenant_id="T1", now=clock())
    )


def test_the_console_proposes_scores_ranks_and_promotes(tmp_path):
    proposed = run(
        tmp_path,
        "console",
        "--user",
        "alice",
        stdin='usecase add "Fraud detection" problem "Card fraud costs 2M a year"\n'
        "usecase score U-1 value 5 feasibility 4 data 3 risk 2\n",
    )
    assert proposed.returncode == 0, proposed.stderr
    first, second = proposed.stdout.strip().split("\n\n")
    assert first.startswith(
        "✓ Proposed U-1: Fraud detection\n  Problem: Card fraud costs 2M a year\n  Proposed by: @alice"
    )
    assert second.startswith(
        "✓ Scored U-1 (value 5, feasibility 4, data 3, risk 2): now priority 42 from 1 score"
    )
    scored = run(
        tmp_path, "console", "--user", "bob", stdin="usecase score U-1 value 4 feasibility 3 data 3\n"
    )
    assert scored.stdout.startswith(
        "✓ Scored U-1 (value 4, feasibility 3, data 3): now priority 33 from 2 scores"
    )
    ranked = run(
        tmp_path, "console", "--user", "alice", stdin="usecases\nusecase promote U-1 fraud\nprojects\n"
    )
    assert ranked.returncode == 0, ranked.stderr
    listing, promoted, projects = ranked.stdout.strip().split("\n\n")
    assert listing.splitlines()[:3] == [
        "1 use case in the backlog, 1 in all",
        "Backlog, highest priority first:",
        "  • U-1 · Fraud detection · priority 33 · proposed · value 4.5 (4–5) · feasibility 3.5 (3–4)"
        " · data 3.0 · risk 2.0 · 2 scores · proposed by @alice",
    ]
    assert promoted.splitlines()[:3] == [
        "✓ Promoted U-1 to project fraud: Fraud detection",
        "  Phase: framing",
        "  Owner: @alice",
    ]
    assert "fraud · Fraud detection · framing" in projects
