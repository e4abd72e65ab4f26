"""The steering-committee report: the project's lifecycle, health, KPIs, risks, decisions since the last
report, what pmbot sees going wrong and what the committee is asked for, in business language."""

import base64
import json

from sqlmodel import select

from bot.console.render import render
from handlers.command import Command
from handlers.digest import project_digest
from handlers.reply import Attachment
from storage.models import AuditEvent, HandledRequest, Project


def prepare(chat, clock) -> None:
    for command in [
        'project new churn "Churn model" sponsor @claire',
        'kpi add "Recall" baseline 0.52 target 0.75',
        'kpi add "Scoring latency p95" baseline 900 target 300 unit ms lower-is-better',
        'status on-track "Baseline ready"',
        'risk add "Consent flags missing" p=3 i=5 category privacy owner @lea mitigation "Exclude until the DPO'
        ' reviewed"',
        'risk add "Vendor API deprecation" p=4 i=4',
        'decision "Gradient boosting for the POC" because "Tabular data; explanations needed"',
        'phase next go --accept-gaps "The sponsor asked to start" until in 4 weeks',
    ]:
        assert not chat(command).startswith("✗"), command
    clock.advance(weeks=1)
    chat('kpi set "Recall" 0.61')
    chat('status at-risk "Recall 0.61; the 2023 labels are noisy"')


def test_the_report_tells_the_committee_where_the_project_stands(chat, clock):
    prepare(chat, clock)
    lines = chat("report").splitlines()
    assert lines[:9] == [
        "Steering committee report: Churn model (churn), Wed 25 Nov 2026",
        "  Phase: poc since Wed 18 Nov 2026, timeboxed until Wed 16 Dec 2026",
        "  Gate of poc: 2 of 4 items checked",
        "  Health: 🟠 at risk",
        "  Health, last 2 weeks: 🟢 on track → 🟠 at risk",
        "  Sponsor: @claire",
        "  EU AI Act class: unassessed",
        "  GDPR: personal data not assessed yet",
        "Where it stands:",
    ]
    text = "\n".join(lines)
    assert "Where it stands:\n  • Recall 0.61; the 2023 labels are noisy (@alice, Wed 25 Nov 2026)" in text
    assert (
        "Success KPIs against their targets:\n"
        "  • Recall: 0.61 (baseline 0.52 → target 0.75, 39% of the way)\n"
        "  • Scoring latency p95: not measured yet (baseline 900 → target 300 ms)"
    ) in text
    assert (
        "Top risks and what is done about them:\n"
        "  • R-2 · Vendor API deprecation (score 16) — no mitigation yet · no owner\n"
        "  • R-1 · Consent flags missing (score 15) — mitigation: Exclude until the DPO reviewed · @lea"
    ) in text
    assert (
        "Decisions since Wed 18 Nov 2026:\n  • D-1 · Gradient boosting for the POC — because Tabular data"
        in text
    )
    assert (
        "  • D-2 · Go: framing → poc, with 4 gaps accepted — because Gaps accepted: The sponsor asked" in text
    )
    assert lines[-5:] == [
        "Points needing attention:",
        "  • In poc and the EU AI Act class is still unassessed",
        "  • R-2 (Vendor API deprecation) is scored 16 and has no owner and no mitigation",
        "Asks of the committee:",
        "  • Help close the 2 items of the poc checklist still open: Team and external partners named; Results"
        " presented against the criteria, with a recommendation.",
    ]


def test_each_report_lists_the_decisions_made_since_the_last_one(chat, clock, count):
    prepare(chat, clock)
    chat("report")
    clock.advance(days=1)
    chat('decision "Relabel 2k accounts" because "Noise in the 2023 labels"')
    clock.advance(minutes=5)
    text = chat("report")
    assert "Decisions since Wed 25 Nov 2026:\n  • D-3 · Relabel 2k accounts — because Noise" in text
    assert "D-1 ·" not in text
    clock.advance(days=1)
    assert "Decisions since Thu 26 Nov 2026:\n  • None." in chat("report")
    since = chat("report since 2026-11-01")
    assert "Decisions since Sun 01 Nov 2026:\n  • D-1 ·" in since
    assert "  • D-3 · Relabel" in since
    assert count(AuditEvent, action="report.made") == 4


def test_the_committee_is_asked_to_decide_when_the_gate_is_ready_or_the_timebox_is_over(chat, clock):
    prepare(chat, clock)
    chat('governance set ai-act minimal "Internal forecast; no decision about people"')
    chat('gate check team "Maya, Tom"')
    chat('gate check results "Shown on 24 Nov"')
    assert chat("report").splitlines()[-1] == (
        "  • Decide at the gate, as its checklist is complete: go on to deployment, change course, or stop."
    )
    chat("gate uncheck results")
    clock.advance(weeks=4)
    assert chat("report").splitlines()[-1] == (
        "  • Decide at the gate, as its timebox has ended: go on to deployment, change course, or stop."
    )


def test_a_report_without_a_sponsor_or_records_says_so_plainly(churn):
    churn("governance set dpia needed")
    text = churn("report")
    assert "Where it stands:\n  • No status has been posted yet." in text
    assert (
        "Success KPIs against their targets:\n  • No success KPI is defined yet, so success cannot be judged."
        in text
    )
    assert "Top risks and what is done about them:\n  • No open risks." in text
    assert "  • Name a sponsor who owns the business outcome." in text
    assert "  • See that the data protection impact assessment (DPIA) is carried out." in text


def test_making_a_report_is_not_news_for_the_digest(churn, service, database, clock):
    clock.advance(days=8)
    churn("report")
    with database.session(write=False) as db:
        project_id = db.exec(select(Project)).one().id
    digest = project_digest(service.services, tenant_id="T1", project_id=project_id, now=clock())
    assert not digest.active
    assert "nothing was recorded this week" in render(digest.reply)


def test_a_repeated_request_is_answered_without_its_file_which_is_not_kept_again(churn, service, database):
    command = Command("T1", "alice", "C-churn", "report", "same-request")
    first, again = service.handle(command), service.handle(command)
    assert first.reply.attachment is not None
    markdown = first.reply.attachment.data.decode()
    assert markdown.startswith("# ")
    assert again.repeated
    assert again.reply.attachment == Attachment(first.reply.attachment.filename, b"", None)
    with database.session(write=False) as db:
        stored = json.dumps(db.exec(select(HandledRequest.reply)).all(), ensure_ascii=False)
    assert first.reply.attachment.filename in stored
    kept = (markdown.splitlines()[0], base64.b64encode(first.reply.attachment.data).decode()[:40])
    assert not any(form in stored for form in kept)  # the file itself is not kept with the request
