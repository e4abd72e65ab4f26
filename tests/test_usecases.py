"""Use-case intake: anyone proposes, several people score, the backlog ranks by the documented priority
with each axis's mean and spread, and the proposer (or a project owner) qualifies, rejects or promotes
to a project in framing with the problem carried over and a decision recorded; the portfolio digest
lists new proposals and the best-ranked ones not qualified yet."""

import re
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from bot.console.render import render
from handlers.digest import portfolio_digest
from handlers.priority import priority
from storage.models import AuditEvent, Decision, Member, Project, UseCase, UseCaseScore

PROPOSE = (
    'usecase add "Fraud detection" problem "Card fraud costs 2M a year and analysts check alerts by hand"'
)


def backlog(chat) -> list[str]:
    text = chat("usecases")
    return [line for line in text.splitlines() if line.startswith("  • U-")]


def test_a_use_case_is_proposed_and_the_proposer_recorded(chat, count):
    reply = chat.as_("bob")(PROPOSE)
    assert reply.splitlines()[:3] == [
        "✓ Proposed U-1: Fraud detection",
        "  Problem: Card fraud costs 2M a year and analysts check alerts by hand",
        "  Proposed by: @bob",
    ]
    assert count(UseCase, proposer_id="bob", status="proposed") == 1
    assert count(AuditEvent, action="usecase.add", ref="U-1", actor_id="bob") == 1


def test_three_people_score_and_the_backlog_shows_priority_mean_and_spread(chat, count):
    chat(PROPOSE)
    assert chat.as_("bob")(
        'usecase score U-1 value 5 feasibility 4 data 3 risk 2 "labels since 2023"'
    ).startswith("✓ Scored U-1 (value 5, feasibility 4, data 3, risk 2): now priority")
    chat.as_("carol")("usecase score U-1 value 4 feasibility 4 data 2 risk 3")
    third = chat.as_("dave")("usecase score U-1 value 4 feasibility 3 data 4")
    expected = priority(13 / 3, 11 / 3, 3.0, 2.5)
    assert round(expected) == 31
    assert third.startswith("✓ Scored U-1 (value 4, feasibility 3, data 4): now priority 31 from 3 scores")
    assert backlog(chat) == [
        "  • U-1 · Fraud detection · priority 31 · proposed · value 4.3 (4–5) · feasibility 3.7 (3–4)"
        " · data 3.0 (2–4) · risk 2.5 (2–3) · 3 scores · proposed by @alice"
    ]
    text = chat("usecases")
    assert "priority = 100 × value/5 × feasibility/5 × data/5 × (1 − (risk − 1)/8)" in text
    assert count(UseCaseScore) == 3
    assert count(AuditEvent, action="usecase.score") == 3


def test_scoring_again_replaces_your_scores(chat, count):
    chat(PROPOSE)
    chat.as_("bob")("usecase score U-1 value 5 feasibility 5 data 5")
    assert chat.as_("bob")("usecase score U-1 value 2 feasibility 2 data 2").startswith(
        "✓ Replaced your scores of U-1 (value 2, feasibility 2, data 2): now priority 5 from 1 score"
    )
    assert count(UseCaseScore) == 1


def test_a_weak_axis_sinks_a_use_case_and_unscored_ones_come_last(chat):
    chat('usecase add "Churn model" problem "Customers leave"')
    chat('usecase add "Support bot" problem "Too many calls"')
    chat('usecase add "Invoice OCR" problem "Manual typing of invoices"')
    chat("usecase score U-1 value 5 feasibility 5 data 1")  # no data: 20 × 0.75
    chat("usecase score U-3 value 3 feasibility 4 data 4 risk 1")
    assert [line.split(" · ")[0:3] for line in backlog(chat)] == [
        ["  • U-3", "Invoice OCR", "priority 38"],
        ["  • U-1", "Churn model", "priority 15"],
        ["  • U-2", "Support bot", "not scored"],
    ]
    assert "not scored yet" in chat("usecase U-2")


def test_bad_scores_are_refused_and_nothing_is_recorded(chat, count):
    chat(PROPOSE)
    assert chat("usecase score U-1 value 6 feasibility 3 data 3").startswith(
        "✗ Value must be a whole number from 1 to 5; you gave “6”."
    )
    assert chat("usecase score U-1 value 3 feasibility 3").startswith("✗ <data> is missing.")
    assert chat("usecase score U-9 value 3 feasibility 3 data 3").startswith("✗ There is no use case U-9.")
    assert count(UseCaseScore) == 0


def test_numbers_and_backlogs_are_per_tenant(chat):
    chat(PROPOSE)
    other = chat.as_(tenant="T2")
    assert other('usecase add "Forecasting" problem "Stock-outs"').startswith("✓ Proposed U-1: Forecasting")
    assert chat('usecase add "Forecasting" problem "Stock-outs"').startswith("✓ Proposed U-2: Forecasting")
    assert [line.split(" · ")[1] for line in backlog(other)] == ["Forecasting"]


def test_only_the_proposer_its_owner_or_a_project_owner_decide(chat, count):
    chat('usecase add "Fraud detection" problem "Card fraud" owner @dave')
    assert chat.as_("bob")("usecase qualify U-1") == (
        "✗ Only the person who proposed U-1, its owner, or a project owner can qualify it.\n"
        "  Usage: usecase qualify U-n"
    )
    assert chat.as_("dave")("usecase qualify U-1").startswith("✓ Qualified U-1: Fraud detection")
    chat.as_("carol", channel="C-ocr")('project new ocr "Invoice OCR"')
    assert chat.as_("carol")('usecase reject U-1 "No budget this year"').startswith("✓ Rejected U-1")
    assert count(AuditEvent, action="usecase.qualify") == 1
    assert count(AuditEvent, action="usecase.reject", actor_id="carol") == 1


def test_a_rejected_use_case_keeps_why_and_can_be_taken_back(chat):
    chat(PROPOSE)
    assert chat('usecase reject U-1 "The bank already buys this from a vendor"').splitlines() == [
        "✓ Rejected U-1: Fraud detection",
        "  Why: The bank already buys this from a vendor",
    ]
    assert "Rejected:\n  • U-1 · Fraud detection — The bank already buys this from a vendor" in chat(
        "usecases"
    )
    assert chat("usecase score U-1 value 3 feasibility 3 data 3").startswith(
        "✗ U-1 was rejected, so you cannot score it; `usecase qualify U-1` takes it back."
    )
    assert chat("usecase qualify U-1").startswith("✓ Qualified U-1")
    assert backlog(chat)[0].startswith("  • U-1 · Fraud detection · not scored · qualified")


def test_promotion_creates_the_project_in_framing_with_problem_proposer_and_decision(chat, count, database):
    chat.as_("bob")('usecase add "Fraud detection" problem "Card fraud costs 2M a year" owner @dave')
    chat.as_("carol")("usecase score U-1 value 4 feasibility 4 data 3")
    in_new_channel = chat.as_("bob", channel="C-fraud")
    reply = in_new_channel("usecase promote U-1 fraud")
    assert reply.splitlines() == [
        "✓ Promoted U-1 to project fraud: Fraud detection",
        "  Phase: framing",
        "  Owner: @dave",
        "  Proposed by: @bob",
        "  Problem: Card fraud costs 2M a year",
        "  Decision: D-1 · Promoted use case U-1 to a project",
        "  This channel is its home.",
        '  Next: define how success is measured with `fraud: kpi add "<name>" baseline <n> target <n>`',
    ]
    card = in_new_channel("project")
    assert card.startswith("Fraud detection (fraud)\n  Problem: Card fraud costs 2M a year\n  Phase: framing")
    assert "D-1 · Promoted use case U-1 to a project" in card
    with database.session(write=False) as db:
        project = db.exec(select(Project).where(Project.key == "fraud")).one()
        assert (project.home_channel, project.owner_id, project.problem) == (
            "C-fraud",
            "dave",
            "Card fraud costs 2M a year",
        )
        roles = {m.user_id: m.role for m in db.exec(select(Member).where(Member.project_id == project.id))}
        assert roles == {"dave": "owner", "bob": "stakeholder"}
        decision = db.exec(select(Decision).where(Decision.project_id == project.id)).one()
        assert decision.rationale == (
            "Business problem: Card fraud costs 2M a year Backlog priority 29 "
            "(value 4.0 · feasibility 4.0 · data 3.0 · 1 score)."
        )
        usecase = db.exec(select(UseCase)).one()
        assert (usecase.status, usecase.project_id) == ("project", project.id)
    assert count(AuditEvent, action="usecase.promote", project_id=project.id) == 1
    assert "Became projects:\n  • U-1 · Fraud detection → project fraud" in chat("usecases")
    assert chat.as_("bob")("usecase promote U-1 fraud2").startswith(
        "✗ U-1 is a project already, so you cannot promote it."
    )


def test_promoting_in_a_project_channel_leaves_the_new_project_without_one(churn, count):
    churn(PROPOSE)
    reply = churn("usecase promote U-1 fraud")
    assert "  This channel stays the home of churn; talk to fraud with `fraud: <command>`" in reply
    assert churn("fraud: project").startswith("Fraud detection (fraud)")
    assert churn("usecase promote U-1 churn").startswith("✗ U-1 is a project already")
    churn('usecase add "Another" problem "Something"')
    assert churn("usecase promote U-2 churn").startswith(
        "✗ There is already a project “churn” (Churn model)."
    )
    assert count(Project) == 2


def test_the_portfolio_digest_lists_new_proposals_and_the_top_unqualified(churn, service, clock):
    churn('usecase add "Old idea" problem "Something from last month"')
    churn("usecase score U-1 value 3 feasibility 3 data 3")
    clock.advance(days=8)
    churn(PROPOSE)
    churn.as_("bob")("usecase score U-2 value 5 feasibility 4 data 4 risk 1")
    churn('usecase add "Qualified idea" problem "Already qualified"')
    churn("usecase qualify U-3")
    text = render(portfolio_digest(service.services, tenant_id="T1", now=clock()))
    assert text.split("Use cases proposed this week:\n")[1].splitlines()[:2] == [
        "  • U-2 · Fraud detection · priority 64 · proposed · value 5.0 · feasibility 4.0 · data 4.0 · risk 1.0"
        " · 1 score · proposed by @alice",
        "  • U-3 · Qualified idea · not scored · qualified · not scored yet · proposed by @alice",
    ]
    assert text.split("Top use cases not qualified yet:\n")[1].splitlines()[:2] == [
        "  • U-2 · Fraud detection · priority 64 · proposed · value 5.0 · feasibility 4.0 · data 4.0 · risk 1.0"
        " · 1 score · proposed by @alice",
        "  • U-1 · Old idea · priority 16 · proposed · value 3.0 · feasibility 3.0 · data 3.0 · 1 score"
        " · proposed by @alice",
    ]


def test_concurrent_proposals_get_distinct_consecutive_numbers(chat, database):
    """The tenant's first proposals race to create its counter: one creates it, the others bump it."""

    def work(person: int) -> list[str]:
        me = chat.as_(f"user{person}", tenant="T-new")
        return [me(f'usecase add "Idea {person}.{n}" problem "Problem {person}.{n}"') for n in range(4)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = [r for batch in pool.map(work, range(6)) for r in batch]
    announced = sorted(int(m) for r in replies for m in re.findall(r"^✓ Proposed U-(\d+)", r))
    assert announced == list(range(1, 25)), [r for r in replies if not r.startswith("✓")][:3]
    with database.session(write=False) as db:
        assert sorted(u.number for u in db.exec(select(UseCase)).all()) == list(range(1, 25))
