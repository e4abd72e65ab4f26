"""The AI project lifecycle through commands: gate decisions (go, pivot, stop) recorded as decisions with a
snapshot, moves by hand, timeboxes, and the warnings pmbot speaks up with."""

from sqlmodel import select

from bot.console.render import render
from handlers.digest import project_digest
from storage.models import AuditEvent, Decision, Project

FRAMING_DONE = [
    'kpi add "Recall" baseline 0.52 target 0.75',
    'risk add "Consent flags missing" p=3 i=5 category privacy owner @lea mitigation "Exclude until the DPO reviewed"',
    'governance set ai-act limited "Scores customers for retention offers"',
    'gate check problem "Cut B2B churn by a third"',
    'gate check value "EUR 2M a year, payback in 12 months"',
    'gate check data "CRM and billing audited"',
]


def ok(chat, *commands: str) -> None:
    for command in commands:
        out = chat(command)
        assert not out.startswith("✗"), (command, out)


def decision(database, number: int) -> Decision:
    with database.session(write=False) as db:
        return db.exec(select(Decision).where(Decision.number == number)).one()


def project_row(database) -> Project:
    with database.session(write=False) as db:
        return db.exec(select(Project).where(Project.key == "churn")).one()


def test_one_project_from_framing_to_monitoring_with_one_pivot(chat, clock, database):
    ok(chat, 'project new churn "Churn model" sponsor @claire', *FRAMING_DONE)
    assert chat("gate").splitlines()[0] == "Gate of churn: the framing checklist, 7 of 7 items checked"

    out = chat("phase next go until in 6 weeks").splitlines()
    assert out[:6] == [
        "✓ churn moved from framing to poc",
        "  Decision: D-1 · Go: framing → poc",
        "  Because: All 7 items of the framing checklist are checked.",
        "  Decided by: @alice",
        "  Phase: poc since Wed 18 Nov 2026, timebox until Wed 30 Dec 2026",
        "  Gate of poc: 2 of 4 items checked — `churn: gate`",
    ]
    assert out[-1].startswith("  How did framing go? Take five minutes for its retrospective: ")
    assert chat('retro well "The sponsor framed the problem with us"').startswith(
        "✓ Noted in the retrospective of churn's framing: 👍"
    )

    clock.advance(weeks=3)
    ok(chat, 'kpi set "Recall" 0.61', 'status at-risk "Recall 0.61; the 2023 labels are noisy"')
    assert chat('phase next pivot "Train on 2024+ data only"').splitlines()[:3] == [
        "✓ churn changes course and stays in poc",
        "  Decision: D-2 · Pivot in poc: Train on 2024+ data only",
        "  Because: Train on 2024+ data only (stays in poc; 2 of 4 items checked.)",
    ]
    assert chat("phase").startswith("churn is in poc")
    ok(chat, 'gate check team "Maya, Tom; vendor Acme"', 'gate check results "Steering committee, 10 Dec"')
    assert chat('phase next go "Recall 0.68 beats the baseline"').splitlines()[:3] == [
        "✓ churn moved from poc to deployment",
        "  Decision: D-3 · Go: poc → deployment",
        "  Because: Recall 0.68 beats the baseline. All 4 items of the poc checklist are checked.",
    ]

    clock.advance(weeks=2)
    ok(chat, "governance set model-doc https://wiki.example.com/churn/model-card")
    for item in ("integration", "training", "indicators", "maintenance", "change"):
        ok(chat, f'gate check {item} "done, see the runbook"')
    assert chat("phase next go").startswith("✓ churn moved from deployment to monitoring")

    clock.advance(weeks=1)
    ok(
        chat,
        'kpi set "Recall" 0.7',
        'gate check drift "Evidently dashboard"',
        'gate check backlog "Jira CHURN"',
    )
    assert chat("gate").splitlines()[0] == "Gate of churn: the monitoring checklist, 4 of 4 items checked"

    assert chat("decisions").splitlines()[1:] == [
        "  • D-4 · Go: deployment → monitoring · @alice · Wed 23 Dec 2026",
        "  • D-3 · Go: poc → deployment · @alice · Wed 09 Dec 2026",
        "  • D-2 · Pivot in poc: Train on 2024+ data only · @alice · Wed 09 Dec 2026",
        "  • D-1 · Go: framing → poc · @alice · Wed 18 Nov 2026",
    ]
    made = [decision(database, number) for number in range(1, 5)]
    assert [(d.gate, (d.snapshot or {})["phase"], (d.snapshot or {})["to"]) for d in made] == [
        ("go", "framing", "poc"),
        ("pivot", "poc", "poc"),
        ("go", "poc", "deployment"),
        ("go", "deployment", "monitoring"),
    ]
    assert "How did monitoring go?" not in chat("project")
    assert project_row(database).phase == "monitoring"


def test_going_on_with_gaps_is_refused_with_the_list_then_recorded_when_accepted(churn, database, count):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn('gate check problem "Cut B2B churn by a third"')

    refused = churn("phase next go")
    assert refused.splitlines() == [
        "✗ churn cannot go on to poc yet: 5 of 7 items of the framing checklist are not checked.",
        "Not checked:",
        "  • value — Expected value and ROI horizon estimated",
        "  • data — Data sources named; their availability and quality audited (completeness, labels, bias,"
        " personal data)",
        "  • risks — Risks analysed: bias, GDPR, impact on how people work, vendor dependency",
        "  • ai-act — EU AI Act risk class assessed",
        "  • sponsor — A sponsor is named",
        '  Tick what is done: `churn: gate check <item> "<evidence>"`.',
        '  Or go on and record the gaps in the decision: `churn: phase next go --accept-gaps "<why>"`.',
    ]
    assert count(Decision) == 0
    assert project_row(database).phase == "framing"

    accepted = churn('phase next go --accept-gaps "The sponsor wants POC results before the audit ends"')
    lines = accepted.splitlines()
    assert lines[:3] == [
        "✓ churn moved from framing to poc",
        "  Decision: D-1 · Go: framing → poc, with 5 gaps accepted",
        "  Because: Gaps accepted: The sponsor wants POC results before the audit ends. Not checked: "
        "value (Expected value and ROI horizon estimated) · data (Data sources named; their availability and "
        "quality audited (completeness, labels, bias, personal data)) · risks (Risks analysed: bias, GDPR, "
        "impact on how people work, vendor dependency) · ai-act (EU AI Act risk class assessed) · "
        "sponsor (A sponsor is named).",
    ]
    recorded = decision(database, 1)
    assert recorded.gate == "go"
    assert recorded.title == "Go: framing → poc, with 5 gaps accepted"
    assert "Not checked: value (Expected value and ROI horizon estimated)" in recorded.rationale
    snapshot = recorded.snapshot or {}
    assert snapshot["gaps"] == ["value", "data", "risks", "ai-act", "sponsor"]
    assert snapshot["gaps_accepted_because"] == "The sponsor wants POC results before the audit ends"
    assert snapshot["kpis"] == [
        {
            "name": "Recall",
            "baseline": 0.52,
            "target": 0.75,
            "unit": None,
            "lower_is_better": False,
            "latest": None,
            "measured_at": None,
        }
    ]
    problem, kpis = snapshot["checklist"][0], snapshot["checklist"][5]
    assert (problem["key"], problem["done"], problem["how"], problem["by"]) == (
        "problem",
        True,
        "hand",
        "alice",
    )
    assert problem["evidence"] == "Cut B2B churn by a third"
    assert (kpis["key"], kpis["done"], kpis["how"]) == ("kpis", True, "records")
    assert project_row(database).phase == "poc"


def test_a_go_with_every_item_checked_offers_a_button_and_needs_no_reason(chat):
    ok(chat, 'project new churn "Churn model" sponsor @claire', *FRAMING_DONE)
    reply = chat.reply("phase next")
    decide = reply.sections[1]
    assert decide.title == "Decide"
    assert [a.command for a in decide.actions_of(0)] == ["churn: phase next go"]
    assert chat("phase next go").startswith("✓ churn moved from framing to poc")


def test_stop_closes_the_project_and_keeps_why(churn, database):
    out = churn('phase next stop "The retention team has no budget for a model this year"')
    assert out.splitlines()[:4] == [
        "✓ churn moved from framing to closed",
        "  Decision: D-1 · Stop in framing",
        "  Because: The retention team has no budget for a model this year",
        "  Decided by: @alice",
    ]
    assert "How did framing go?" in out
    assert project_row(database).phase == "closed"
    assert decision(database, 1).gate == "stop"
    assert churn("phase next go").startswith("✗ churn is closed, so it has no gate.")
    assert churn('phase next pivot "again"').startswith("✗ churn is closed, so it has no gate.")


def test_a_pivot_needs_to_say_what_changes(churn, count):
    assert churn("phase next pivot").startswith("✗ <what changes> is missing.")
    assert count(Decision) == 0


def test_moving_by_hand_is_for_the_owner_and_is_recorded_with_its_open_items(churn, database, clock):
    bob = churn.as_("bob")
    assert bob("phase poc") == (
        "✗ Only the owner of churn can move it by hand; anyone can ask for the gate decision with `phase next`;"
        " `project churn` shows who that is.\n"
        '  Usage: phase [<phase>] [until <date>] [because "<why>"]'
    )
    clock.advance(days=2)
    out = churn("phase poc until 2026-12-31").splitlines()
    assert out[:5] == [
        "✓ churn moved from framing to poc",
        "  Decision: D-1 · Moved by hand: framing → poc, with 7 gaps left open",
        "  Because: Moved by its owner without a gate decision. Not checked: problem (The business problem is "
        "stated in one sentence) · value (Expected value and ROI horizon estimated) · data (Data sources named;"
        " their availability and quality audited (completeness, labels, bias, personal data)) · risks (Risks "
        "analysed: bias, GDPR, impact on how people work, vendor dependency) · ai-act (EU AI Act risk class "
        "assessed) · kpis (Success KPIs defined with a baseline and a target) · sponsor (A sponsor is named).",
        "  Decided by: @alice",
        "  Phase: poc since Fri 20 Nov 2026, timebox until Thu 31 Dec 2026",
    ]
    project = project_row(database)
    assert project.phase_started_at == clock.now
    assert str(project.timebox_until) == "2026-12-31"
    assert decision(database, 1).gate == "go"
    assert (decision(database, 1).snapshot or {})["by_hand"] is True


def test_going_back_needs_a_reason_and_is_a_pivot(churn, database, count):
    churn("phase deployment")
    refused = churn("phase poc")
    assert refused.startswith(
        '✗ poc comes before deployment: going back undoes a gate, so say why with `phase poc because "<why>"`'
        " (recorded as a pivot)."
    )
    assert count(Decision) == 1
    out = churn('phase poc because "The integration showed the model needs the CRM events"')
    assert out.splitlines()[:3] == [
        "✓ churn moved from deployment to poc",
        "  Decision: D-2 · Pivot back: deployment → poc",
        "  Because: The integration showed the model needs the CRM events",
    ]
    assert decision(database, 2).gate == "pivot"


def test_a_closed_project_is_reopened_only_with_a_reason(churn, database):
    churn("phase closed")
    assert decision(database, 1).gate == "stop"
    assert churn("phase poc").startswith(
        '✗ churn is closed; to reopen it in poc, say why: `phase poc because "<why>"`.'
    )
    out = churn('phase poc because "New budget for 2027"')
    assert out.startswith("✓ churn moved from closed to poc")
    assert "How did closed go?" not in out


def test_phase_until_sets_the_current_timebox_and_is_audited(churn, count):
    churn("phase poc")
    assert churn("phase until 2026-12-18") == (
        "✓ The poc of churn is timeboxed until Fri 18 Dec 2026\n  When it ends, decide at the gate: `phase next`."
    )
    assert churn("phase until 2026-12-24").startswith(
        "✓ The poc of churn is timeboxed until Thu 24 Dec 2026 (was Fri 18 Dec 2026)"
    )
    assert churn("phase until 2026-11-01").startswith("✗ Sun 01 Nov 2026 is in the past")
    assert count(AuditEvent, action="project.timebox") == 2
    assert "timebox until Thu 24 Dec 2026" in churn("phase")


# The assistant speaks up


def test_entering_poc_without_kpis_and_unassessed_is_called_out_in_the_reply(churn):
    out = churn("phase poc")
    assert "pmbot speaks up:" in out
    assert (
        '  • ⚠ In POC without a success KPI: nobody can tell whether the POC worked — `churn: kpi add "<name>"'
        " baseline <n> target <n>`"
    ) in out
    assert (
        "  • ⚠ In poc and the EU AI Act class is still unassessed — "
        '`churn: governance set ai-act <minimal|limited|high|unacceptable> "<why>"`'
    ) in out


def test_a_high_risk_without_owner_or_mitigation_is_called_out_until_it_has_both(churn):
    out = churn('risk add "Vendor API deprecation" p=5 i=3')
    assert out.splitlines()[-2:] == [
        "pmbot speaks up:",
        "  • ⚠ R-1 (Vendor API deprecation) is scored 15 and has no owner and no mitigation — "
        '`churn: risk update R-1 owner @user mitigation "<text>"`',
    ]
    assert churn("risk update R-1 owner @bob").splitlines()[-1] == (
        "  • ⚠ R-1 (Vendor API deprecation) is scored 15 and has no mitigation — "
        '`churn: risk update R-1 mitigation "<text>"`'
    )
    assert "speaks up" not in churn('risk update R-1 mitigation "Pin the v2 API"')
    assert "speaks up" not in churn('risk add "Small" p=2 i=2')
    assert "speaks up" not in churn("project")


def test_ai_act_high_without_a_regulatory_or_privacy_risk_is_called_out(churn):
    out = churn('governance set ai-act high "Decides on credit for people (Annex III)"')
    assert out.splitlines()[-1] == (
        "  • ⚠ EU AI Act class high, but no regulatory or privacy risk is recorded — "
        '`churn: risk add "<title>" category regulatory`'
    )
    assert "EU AI Act class high, but" in churn("project")
    churn('risk add "Conformity assessment not started" category regulatory owner @lea mitigation "Book it"')
    assert "speaks up" not in churn("project")


def test_a_kpi_not_measured_for_four_weeks_is_called_out_on_the_card(churn, clock):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn("phase poc")
    churn('kpi set "Recall" 0.6')
    clock.advance(weeks=4, hours=-1)
    assert "Recall was" not in churn("project")
    clock.advance(hours=2)
    assert '  • ⚠ Recall was last measured 4 weeks ago — `churn: kpi set "Recall" <n>`' in churn("project")
    churn('kpi set "Recall" 0.62')
    assert "Recall was" not in churn("project")


def test_a_kpi_defined_in_framing_counts_from_the_phase_start(churn, clock):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    clock.advance(weeks=6)
    churn("phase poc")
    assert "Recall was" not in churn("project")
    clock.advance(weeks=4)
    assert '⚠ Recall was defined 10 weeks ago and never measured — `churn: kpi set "Recall" <n>`' in churn(
        "project"
    )


def test_no_status_for_two_reviews_in_deployment_is_called_out(churn, clock):
    churn("phase deployment")  # Wed 18 Nov; reviews fall due on Thursdays at 15:00
    churn('status on-track "Live for the Lyon team"')
    clock.advance(days=8, hours=4)  # Thu 26 Nov 14:00: only one review (19 Nov) passed
    assert "No status" not in churn("project")
    clock.advance(hours=2)  # 16:00: the second one passed
    assert (
        "  • ⚠ No status since Wed 18 Nov 2026: 2 reviews passed in deployment without one — "
        "`churn: status <on-track|at-risk|off-track> <what happened>`"
    ) in churn("project")
    churn('status on-track "Still fine"')
    assert "No status" not in churn("project")


def test_a_poc_past_its_timebox_without_a_gate_decision_is_called_out(churn, clock):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    churn("phase poc until 2026-12-04")
    clock.advance(days=16)  # Fri 04 Dec: the last day of the timebox
    assert "timebox ended" not in churn("project")
    clock.advance(days=1)
    assert (
        "  • ⚠ The POC's timebox ended on Fri 04 Dec 2026 and no gate decision was made — `churn: phase next`"
    ) in churn("project")
    churn('phase next pivot "Two more weeks on the 2024 data"')
    assert "timebox ended" not in churn("project")


def test_the_weekly_digest_shows_the_gate_and_the_warnings(churn, service, database, clock):
    churn('status on-track "Kick-off"')
    churn('risk add "Vendor API deprecation" p=5 i=4')
    churn('gate check problem "Cut churn"')
    text = render(
        project_digest(
            service.services, tenant_id="T1", project_id=project_row(database).id, now=clock()
        ).reply
    )
    assert (
        "Phase gate:\n  • framing: 1 of 7 items checked; not checked yet: value, data, risks, ai-act, kpis, sponsor"
    ) in text
    assert (
        "pmbot speaks up:\n  • ⚠ R-1 (Vendor API deprecation) is scored 20 and has no owner and no mitigation"
    ) in text


def test_a_quiet_week_still_speaks_up(churn, service, database, clock):
    churn('risk add "Vendor API deprecation" p=5 i=4')
    clock.advance(days=8)
    digest = project_digest(
        service.services, tenant_id="T1", project_id=project_row(database).id, now=clock()
    )
    assert not digest.active
    assert render(digest.reply).splitlines()[1:] == [
        "pmbot speaks up:",
        "  • ⚠ R-1 (Vendor API deprecation) is scored 20 and has no owner and no mitigation — "
        '`churn: risk update R-1 owner @user mitigation "<text>"`',
    ]
