"""No verb lets one workspace see or change another's records.

Workspaces T1 and T2 both have a project `churn` in a channel with the same id, the same person id, and
the same numbers (R-1, D-1, A-1), KPI, glossary term, gate item and lesson; T2 also has a project `beta`
that T1 does not. Every verb of the registry (a verb without a case fails the test) is sent from T1,
naming `churn`, naming T2's `beta`, and in the shared channel id with no project named. Each time
every row of T2, in every table, is the same afterwards, and nothing T2 wrote (its texts all say
"zebra") is in the reply or in what the command posts later (summaries, digests).
"""

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from handlers.commands import build_registry
from handlers.tokens import split_project, tokenize
from storage.db import Database

MARK = "zebra"  # in every text T2 writes, and in none of T1's


def seed(marker: str) -> list[str]:
    """The same records in each workspace; only the words differ."""
    return [
        f'project new churn "Churn {marker} model"',
        f'risk add "Label {marker} noise" p=4 i=3 owner @alice mitigation "Relabel {marker}"',
        f'decision "Use {marker} boosting" because "cheaper {marker}"',
        f'deliverable add "Extract {marker}" owner @alice due in 3 days',
        f'deliverable add "Benchmark {marker}" owner "Vendor {marker}" due in 5 days',
        'kpi add "F1" baseline 0.5 target 0.8',
        f'kpi set "F1" 0.6 "after {marker} relabel"',
        f'status at-risk "Labels {marker} arrived late"',
        f'glossary add "NPS" "how likely {marker} customers recommend us"',
        f'retro lesson "Fix the {marker} KPIs first"',
        f'gate template add poc ethics "Ethics {marker} board consulted"',
        f'governance set ai-act limited "Scores {marker} customers"',
        f'gate check data "Maya {marker}, Tom"',
        "settings digest thu 17:00",
        f'experiment add "Relabel {marker} lifts F1" metric "F1" target 0.8',
        f'usecase add "Invoice {marker} triage" problem "Slow {marker} invoices"',
    ]


# One command per verb, sent from T1; "{p}" is where the project is named (or not).
CASES: dict[str, list[str]] = {
    "help": ["help", "help risk add"],
    "project new": ['project new beta "T1 beta"'],
    "project": ["project churn", "project beta", "{p}project"],
    "projects": ["projects"],
    "status": ["{p}status", '{p}status off-track "T1 status"'],
    "risk add": ['{p}risk add "T1 risk" p=1 i=1'],
    "risk update": ["{p}risk update R-1 p=1 i=1 status closed", '{p}risk update R-1 title "T1 title"'],
    "risk close": ['{p}risk close R-1 "T1 why"'],
    "risks": ["{p}risks"],
    "decision": ['{p}decision "T1 decision" because "T1 because"'],
    "decision supersede": ['{p}decision supersede D-1 "T1 other" because "T1 faster"'],
    "decisions": ["{p}decisions"],
    "deliverable add": ['{p}deliverable add "T1 thing" owner @alice due tomorrow'],
    "deliverable done": ["{p}deliverable done A-1"],
    "deliverable cancel": ["{p}deliverable cancel A-2"],
    "deliverable snooze": ["{p}deliverable snooze A-1 next monday"],
    "deliverables": ["{p}deliverables", "{p}deliverables mine", "{p}deliverables overdue"],
    "kpi add": ['{p}kpi add "F1" baseline 0.1 target 0.2', '{p}kpi add "Recall" baseline 0.1 target 0.2'],
    "kpi set": ['{p}kpi set "F1" 0.99 "T1 note"'],
    "kpis": ["{p}kpis"],
    "phase": ["{p}phase", "{p}phase poc"],
    "phase next": ["{p}phase next"],
    "phase next go": ['{p}phase next go --accept-gaps "T1 sponsor"'],
    "phase next pivot": ['{p}phase next pivot "T1 pivot"'],
    "phase next stop": ['{p}phase next stop "T1 stop"'],
    "gate": ["{p}gate", "{p}gate poc"],
    "gate check": ['{p}gate check data "T1 evidence"', '{p}gate check ethics "T1 evidence"'],
    "gate uncheck": ["{p}gate uncheck data"],
    "gate template": ["gate template", "gate template poc"],
    "gate template set": ['gate template set poc ethics "T1 ethics"'],
    "gate template add": ['gate template add poc privacy "T1 privacy"'],
    "gate template remove": ["gate template remove poc ethics"],
    "gate template reset": ["gate template reset", "gate template reset poc"],
    "governance": ["{p}governance"],
    "governance set": ['{p}governance set ai-act high "T1 detail"'],
    "report": ["{p}report"],
    "retro": ["{p}retro", '{p}retro lesson "T1 lesson"'],
    "lessons": ["lessons", "lessons poc"],
    "summary": ["{p}summary", "{p}summary since 2020-01-01"],
    "explain": ["explain NPS and F1"],
    "digest preview": ["digest preview", "digest preview portfolio"],
    "digest now": ["digest now", "digest now portfolio"],
    "glossary": ["glossary", "glossary NPS"],
    "glossary add": ['glossary add "NPS" "T1 meaning"'],
    "settings digest": ["{p}settings digest fri 09:00"],
    "settings review": ["{p}settings review off", "{p}settings review mon 10:00"],
    "settings portfolio-channel": ["settings portfolio-channel <#C0T1|t1-portfolio>", "settings portfolio-channel off"],
    "settings llm": ["settings llm off", "settings llm on"],
    "usage": ["usage"],
    "remind off": ["remind off until next monday"],
    "remind on": ["remind on"],
    "chart kpi": ['{p}chart kpi "F1"'],
    "chart risks": ["{p}chart risks"],
    "chart health": ["{p}chart health"],
    "chart portfolio": ["chart portfolio"],
    "experiment add": ['{p}experiment add "T1 hypothesis" metric "F1"'],
    "experiment result": ['{p}experiment result E-1 0.9 success "T1 learned"'],
    "experiments": ["{p}experiments"],
    "experiment decide": ['{p}experiment decide E-1 stop "T1 why"'],
    "usecase add": ['usecase add "T1 case" problem "T1 problem"'],
    "usecase score": ["usecase score U-1 value 5 feasibility 5 data 5"],
    "usecases": ["usecases"],
    "usecase": ["usecase U-1"],
    "usecase qualify": ["usecase qualify U-1"],
    "usecase reject": ['usecase reject U-1 "T1 why"'],
    "usecase promote": ["usecase promote U-1 beta", "usecase promote U-1 churn"],
    "export": ["{p}export csv", "{p}export md", "{p}export json"],
    "dashboard": ["dashboard", "dashboard churn", "dashboard beta"],
}  # fmt: skip
PLACES = ["", "churn: ", "beta: ", "--project beta "]  # the channel's project, T1's churn, T2's beta


def rows_of(database: Database, tenant: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row a workspace has, in every table."""
    with database.session(write=False) as db:
        return {
            table.name: sorted(
                tuple(map(repr, row))
                for row in db.execute(select(table).where(table.c.tenant_id == tenant)).all()
            )
            for table in SQLModel.metadata.sorted_tables
        }


def commands() -> list[tuple[str, str]]:
    out = []
    for name, texts in CASES.items():
        for text in texts:
            places = PLACES if "{p}" in text else [""]
            out += [(name, text.replace("{p}", place)) for place in places]
    return out


def test_every_verb_has_a_case():
    registry = build_registry()
    covered = {registry.match(tokenize(split_project(t)[1]))[0].name for _, t in commands()}
    assert covered == set(registry.verbs), f"add a case for: {set(registry.verbs) - covered}"
    for name, text in commands():
        assert registry.match(tokenize(split_project(text)[1]))[0].name == name, text


@pytest.fixture
def workspaces(chat, database):
    """T1 and T2 with the same records; T2's also in project `beta`, which T1 lacks."""
    t1, t2 = chat, chat.as_(tenant="T2")
    for text in seed("plain"):
        assert not t1(text).startswith("✗"), text
    for text in seed(MARK):
        assert not t2(text).startswith("✗"), text
    beta = t2.as_(channel="C-beta")
    assert beta(f'project new beta "Beta {MARK}"').startswith("✓")
    assert beta(f'risk add "Beta {MARK} risk" p=2 i=2').startswith("✓ Recorded R-1")
    t2.later()
    t1.later()
    return t1, t2


def test_no_verb_of_one_workspace_reaches_another(workspaces, database):
    t1, _ = workspaces
    before = rows_of(database, "T2")
    assert all(
        before[table] for table in ("project", "risk", "decision", "deliverable", "kpi", "glossaryterm")
    )
    shown: list[str] = []
    for _name, text in commands():
        reply = t1(text)
        posted = t1.later()
        for answer in (reply, *posted):
            assert MARK not in answer.lower(), (text, answer)
        shown.append(reply)
        assert rows_of(database, "T2") == before, text
    # The commands did run in T1: they were not all refused.
    assert sum(not answer.startswith("✗") for answer in shown) > len(shown) // 2


def test_t2_still_sees_all_of_its_own_records_afterwards(workspaces):
    t1, t2 = workspaces
    for _name, text in commands():
        t1(text)
    risks = t2("risks")
    assert f"Label {MARK} noise" in risks
    assert "T1" not in risks
    assert f"Use {MARK} boosting" in t2("decisions")
    assert f"how likely {MARK} customers" in t2("glossary NPS")
    assert "T1" not in t2("glossary NPS") + t2("gate template poc") + t2("deliverables") + t2("kpis")
