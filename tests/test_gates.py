"""Phase gates: each phase's checklist, items that tick themselves from the project's records, ticks by
hand with who, when and the evidence, and the workspace's own checklists."""

import pytest
from sqlmodel import select

from handlers.gates import PHASES, PROOFS, load_checklists, shipped
from storage.models import AuditEvent, GateCheck

NOTES = [
    '  Tick an item by hand: `churn: gate check <item> "<evidence>"`',
    "  When it is done, decide at the gate: `churn: phase next`",
]


def test_a_new_projects_gate_lists_the_framing_checklist_and_how_items_tick_themselves(churn):
    assert churn("gate").splitlines() == [
        "Gate of churn: the framing checklist, 0 of 7 items checked",
        "  • ☐ problem — The business problem is stated in one sentence",
        "  • ☐ value — Expected value and ROI horizon estimated",
        "  • ☐ data — Data sources named; their availability and quality audited (completeness, labels, bias,"
        " personal data)",
        "  • ☐ risks — Risks analysed: bias, GDPR, impact on how people work, vendor dependency · ticks itself"
        ' when a privacy or bias risk is recorded (`churn: risk add "<title>" category privacy`)',
        "  • ☐ ai-act — EU AI Act risk class assessed · ticks itself when the EU AI Act class is set"
        ' (`churn: governance set ai-act <class> "<why>"`)',
        "  • ☐ kpis — Success KPIs defined with a baseline and a target · ticks itself when a KPI with a"
        ' baseline and a target is defined (`churn: kpi add "<name>" baseline <n> target <n>`)',
        "  • ☐ sponsor — A sponsor is named · ticks itself when a sponsor is named"
        " (`churn: governance set sponsor @user`)",
        *NOTES,
    ]


def test_items_tick_themselves_from_the_records(chat):
    chat('project new churn "Churn model" sponsor @claire')
    chat('kpi add "Recall" baseline 0.52 target 0.75')
    chat('risk add "Model favours long-tenure customers" category bias')
    chat('governance set ai-act minimal "Internal forecasting only"')
    lines = chat("gate").splitlines()
    assert lines[0] == "Gate of churn: the framing checklist, 4 of 7 items checked"
    assert lines[4:8] == [
        "  • ✓ risks — Risks analysed: bias, GDPR, impact on how people work, vendor dependency · by the records:"
        " R-1 (bias)",
        "  • ✓ ai-act — EU AI Act risk class assessed · by the records: class minimal",
        "  • ✓ kpis — Success KPIs defined with a baseline and a target · by the records: Recall: 0.52 → 0.75",
        "  • ✓ sponsor — A sponsor is named · by the records: sponsor @claire",
    ]


def test_a_tick_by_hand_records_who_when_and_the_evidence_and_is_audited(churn, clock, database):
    clock.advance(days=1)
    out = churn('gate check problem "Cut churn of B2B customers by a third (steering, 19 Nov)"')
    assert out == (
        "✓ Ticked problem — The business problem is stated in one sentence\n"
        "  Evidence: Cut churn of B2B customers by a third (steering, 19 Nov)\n"
        "  Gate of framing: 1 of 7 items checked"
    )
    assert churn.as_("bob")("gate").splitlines()[1] == (
        "  • ✓ problem — The business problem is stated in one sentence · @alice, Thu 19 Nov 2026: "
        "“Cut churn of B2B customers by a third (steering, 19 Nov)”"
    )
    with database.session(write=False) as db:
        check = db.exec(select(GateCheck)).one()
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "gate.check")).one()
    assert (check.phase, check.item, check.checked, check.checked_by, check.checked_at) == (
        "framing",
        "problem",
        True,
        "alice",
        clock.now,
    )
    assert (event.ref, event.actor_id, event.before) == ("framing:problem", "alice", None)
    assert (event.after or {})["evidence"] == "Cut churn of B2B customers by a third (steering, 19 Nov)"


def test_ticking_again_replaces_the_evidence_and_unticking_takes_it_back(churn, count):
    churn('gate check data "Audit v1"')
    assert churn('gate check data "Audit v2, labels checked"').startswith("✓ Ticked again data")
    assert "“Audit v2, labels checked”" in churn("gate")
    assert churn("gate uncheck data") == (
        "✓ Unticked data — Data sources named; their availability and quality audited (completeness, labels,"
        " bias, personal data)"
    )
    assert "☐ data" in churn("gate")
    assert churn("gate uncheck data").startswith(
        "✗ data is not ticked by hand, so there is nothing to take back."
    )
    assert count(GateCheck) == 1
    assert count(AuditEvent, action="gate.check") == 2
    assert count(AuditEvent, action="gate.uncheck") == 1


def test_an_item_the_records_prove_needs_no_tick_and_stays_ticked_when_a_hand_tick_goes(churn, count):
    churn('kpi add "Recall" baseline 0.52 target 0.75')
    assert churn("gate check kpis") == (
        "kpis is already ticked by the records of churn: Recall: 0.52 → 0.75\n  Nothing was recorded."
    )
    assert count(GateCheck) == 0
    churn("gate check risks")
    churn('risk add "Consent flags missing" category privacy')
    assert churn("gate uncheck risks") == (
        "✓ Unticked risks — Risks analysed: bias, GDPR, impact on how people work, vendor dependency\n"
        "  It stays ticked by the records: R-1 (privacy)"
    )


def test_unknown_items_and_bad_keys_are_refused(churn, count):
    assert churn("gate check ethics").splitlines()[0] == (
        "✗ The framing checklist has no item “ethics”. Its items: problem, value, data, risks, ai-act, kpis,"
        " sponsor."
    )
    assert churn("gate check").startswith("✗ <item> is missing.")
    assert churn("gate check 3rd").startswith("✗ “3rd” cannot be an item's key")
    assert churn("gate closed").startswith("✗ closed has no checklist.")
    assert count(GateCheck) == 0


def test_each_phase_has_its_own_ticks_and_another_phase_can_be_looked_at(churn):
    churn('gate check problem "Cut churn"')
    assert churn("gate poc").splitlines()[-2:] == [
        '  Tick an item by hand: `churn: gate check <item> "<evidence>"`',
        "  churn is in framing; this is the checklist of poc.",
    ]
    churn('phase next go --accept-gaps "Start now"')
    assert churn("gate").startswith("Gate of churn: the poc checklist, 0 of 4 items checked")
    assert "✓ problem" in churn("gate framing")


def test_a_closed_project_has_no_gate_to_tick(churn):
    churn("phase closed")
    assert churn("gate").startswith("✗ churn is closed, so it has no gate")
    assert churn('gate check problem "x"').startswith("✗ churn is closed, so it has no gate")
    assert churn("gate framing").startswith("Gate of churn: the framing checklist")


# The workspace's own checklists


def test_the_template_shows_the_shipped_checklists(chat):
    out = chat("gate template poc").splitlines()
    assert out == [
        "Gate checklists of this workspace",
        "poc (shipped with pmbot):",
        "  • criteria — Success criteria agreed before starting · ticks itself when a KPI with a baseline and a"
        " target is defined",
        "  • timebox — Scope and timebox set · ticks itself when the phase has a timebox",
        "  • team — Team and external partners named",
        "  • results — Results presented against the criteria, with a recommendation",
        '  Change them with `gate template set|add <phase> <item> "<text>"`, `gate template remove <phase>'
        " <item>` or `gate template reset [<phase>]`.",
    ]
    assert [line for line in chat("gate template").splitlines() if line.endswith(":")] == [
        "framing (shipped with pmbot):",
        "poc (shipped with pmbot):",
        "deployment (shipped with pmbot):",
        "monitoring (shipped with pmbot):",
    ]


def test_a_workspace_adapts_a_checklist_for_all_its_projects_and_only_its_own(churn, count):
    assert churn('gate template add framing ethics "Ethics board consulted"').splitlines()[0] == (
        "✓ Added ethics to the framing checklist"
    )
    churn('gate template set framing kpis "Two success KPIs with a baseline and a target"')
    churn("gate template remove framing value")
    assert churn("gate template framing").splitlines()[1] == "framing (this workspace's):"
    gate = churn("gate").splitlines()
    assert gate[0] == "Gate of churn: the framing checklist, 0 of 7 items checked"
    assert [line.split(" — ")[0] for line in gate[1:8]] == [
        "  • ☐ problem",
        "  • ☐ data",
        "  • ☐ risks",
        "  • ☐ ai-act",
        "  • ☐ kpis",
        "  • ☐ sponsor",
        "  • ☐ ethics",
    ]
    assert "kpis — Two success KPIs with a baseline and a target · ticks itself when" in churn("gate")
    fraud = churn.as_(channel="C-fraud")
    fraud('project new fraud "Fraud scoring"')
    assert "☐ ethics — Ethics board consulted" in fraud("gate")
    other = churn.as_(tenant="T2")
    other('project new churn "Their churn"')
    assert "ethics" not in other("gate")
    assert count(AuditEvent, action="settings.gate_templates") == 3

    assert churn("gate template reset framing").startswith(
        "✓ The framing checklist is back to the one shipped with pmbot"
    )
    assert "ethics" not in churn("gate")
    assert churn("gate template reset") == "The checklists are already the ones shipped with pmbot."


def test_template_changes_are_checked(churn, count):
    chat = churn  # alice owns churn, so she may change the workspace's checklists
    assert chat('gate template add poc team "Again"').startswith(
        "✗ The poc checklist already has “team”; reword it with `gate template set`."
    )
    assert chat('gate template set poc nothing "x"').startswith("✗ The poc checklist has no item “nothing”.")
    assert chat("gate template remove closed team").startswith("✗ closed has no checklist.")
    assert chat('gate template add poc "Two words" "x"').startswith("✗ “Two words” cannot be an item's key")
    assert chat("gate template reset poc") == "The poc checklist is already the one shipped with pmbot."
    assert count(AuditEvent, action="settings.gate_templates") == 0


def test_an_empty_checklist_lets_the_gate_go(churn):
    for item in ("problem", "value", "data", "risks", "ai-act", "kpis", "sponsor"):
        churn(f"gate template remove framing {item}")
    assert churn("gate").startswith("Gate of churn: the framing checklist, 0 of 0 items checked")
    assert churn("phase next go").startswith("✓ churn moved from framing to poc")


# The shipped file


def test_the_shipped_checklists_cover_every_phase_with_known_proofs():
    checklists = shipped()
    assert set(checklists) == set(PHASES)
    assert all(checklists[phase] for phase in PHASES)
    assert {item.proof for items in checklists.values() for item in items if item.proof} <= set(PROOFS)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[[closed]]\nkey = "x"\ntext = "y"\n', "closed is not a phase with a gate"),
        ('[[poc]]\nkey = "Bad Key"\ntext = "y"\n', "'Bad Key' is not an item key"),
        ('[[poc]]\nkey = "x"\ntext = "y"\nproof = "magic"\n', "item x has an unknown proof 'magic'"),
        ('[[poc]]\nkey = "x"\ntext = "y"\n[[poc]]\nkey = "x"\ntext = "z"\n', "an item key is given twice"),
        ('[[poc]]\nkey = "x"\n', "item x has no text"),
    ],
)
def test_a_broken_checklist_file_says_what_is_wrong(tmp_path, content, problem):
    path = tmp_path / "gates.toml"
    path.write_text(content)
    with pytest.raises(ValueError, match=problem):
        load_checklists(path)
