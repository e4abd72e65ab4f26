"""The weekly digest and the portfolio digest: what sponsors read, built from what the team recorded,
through the real commands on a real database; `digest preview` / `digest now`; and `pmbot digest`."""

import openai
import pytest
from sqlmodel import select

from bot.console.render import render
from handlers.digest import portfolio_digest, project_digest
from handlers.summaries.llm import Llm
from handlers.summaries.summarizer import Summarizer
from storage.models import Project
from tests.fake_openai import FakeOpenAI, answer
from tests.test_cli import run


def project_id(database, key: str = "churn") -> int:
    with database.session(write=False) as db:
        project = db.exec(select(Project).where(Project.key == key)).one()
        assert project.id is not None
        return project.id


def digest_of(service, database, clock, key: str = "churn"):
    return project_digest(service.services, tenant_id="T1", project_id=project_id(database, key), now=clock())


@pytest.fixture
def last_week(churn, clock):
    """churn with a week behind it (Wed 18 Nov), then moved on to Thu 26 Nov: what follows is this week's."""
    churn('status on-track "Baseline model ready"')
    churn('risk add "Label noise in Q3 data" p=2 i=3')
    churn('kpi add "Recall" baseline 0.5 target 0.8')
    churn('kpi set "Recall" 0.6')
    churn('deliverable add "Extract Q3 data" owner @bob due friday')
    churn('deliverable add "Vendor benchmark" owner "Acme" due friday')
    churn('decision "Start with logistic regression" because "simplest baseline"')
    clock.advance(days=8)
    return churn


def test_an_active_week_shows_health_updates_risks_decisions_deliverables_and_kpis(
    last_week, service, database, clock
):
    churn = last_week
    churn('status at-risk "F1 dropped to 0.71 after retraining"')
    churn("risk update R-1 p=4 i=4")
    churn('risk add "Vendor API deprecation" p=3 i=5')
    churn('decision "Use gradient boosting" because "cheaper to run and easier to explain"')
    churn("deliverable done A-1")
    churn('kpi set "Recall" 0.66')
    churn("phase poc")

    digest = digest_of(service, database, clock)

    assert digest.active
    assert digest.reply.public
    text = render(digest.reply)
    lines = text.splitlines()
    assert lines[:6] == [
        "Weekly digest of Churn model (churn), week to Thu 26 Nov 2026",
        "  Health: 🟠 at risk",
        "  Health, last 2 weeks: 🟢 on track → 🟠 at risk",
        "  Phase: poc (moved from framing this week)",
        "  Owner: @alice",
        "This week — Churn model: 1 update, now at risk:",
    ]
    assert "F1 dropped to 0.71 after retraining [@alice Thu 26 Nov]" in text
    assert "Baseline model ready" not in text  # last week's update
    risks = text.split("New and changed risks, highest score first:\n")[1].splitlines()[:2]
    assert risks == [
        "  • R-1 · score 16 (p4×i4) · Label noise in Q3 data · no owner — score up from 6 this week",
        "  • R-2 · score 15 (p3×i5) · Vendor API deprecation · no owner — new this week",
    ]
    assert (
        "Decisions made:\n  • D-2 · Use gradient boosting — because cheaper to run and easier to explain · @alice"
        in text
    )
    assert "D-1" not in text
    assert "Deliverables done:\n  • A-1 · Extract Q3 data · @bob · done, 6 days late" in text
    assert (
        "Overdue deliverables:\n  • A-2 · Vendor benchmark · “Acme” · due Fri 20 Nov 2026, 6 days overdue"
        in text
    )
    assert (
        "Success KPIs measured this week:\n"
        "  • Recall: 0.66 (baseline 0.5 → target 0.8, 53% of the way) — up from 0.6, toward the target"
    ) in text
    assert lines[-1] == "  Written by pmbot without AI: the team's own words, with the jargon explained."


def test_a_week_without_a_status_update_says_so_and_still_lists_the_changes(
    last_week, service, database, clock
):
    last_week('risk add "Vendor API deprecation" p=3 i=5')
    last_week('risk close R-1 "labels were fixed upstream"')
    text = render(digest_of(service, database, clock).reply)
    assert "This week:\n  • No status update this week." in text
    assert text.split("New and changed risks, highest score first:\n")[1].splitlines() == [
        "  • R-2 · score 15 (p3×i5) · Vendor API deprecation · no owner — new this week",
        "  • R-1 · score 6 (p2×i3) · Label noise in Q3 data · no owner · closed this week "
        "(labels were fixed upstream)",
        "Overdue deliverables:",
        "  • A-1 · Extract Q3 data · @bob · due Fri 20 Nov 2026, 6 days overdue",
        "  • A-2 · Vendor benchmark · “Acme” · due Fri 20 Nov 2026, 6 days overdue",
    ]
    assert "Written by" not in text


def test_a_quiet_week_is_one_line_and_not_active(last_week, service, database, clock):
    last_week("settings digest thu 17:00")  # settings and views are not news
    last_week("risks")
    digest = digest_of(service, database, clock)
    assert not digest.active
    assert digest.reply.public
    assert render(digest.reply) == (
        "Weekly digest of Churn model (churn), week to Thu 26 Nov 2026: nothing was recorded this week — "
        "no status update and no change to risks, decisions, deliverables or KPIs. "
        "Last known health: 🟢 on track."
    )


def test_the_week_ends_at_the_time_asked_for(last_week, service, database, clock):
    """A digest made late (pmbot was down) covers the week to its due time, not what came after."""
    due = clock()
    clock.advance(hours=2)
    last_week('status at-risk "Posted after the digest time"')
    digest = project_digest(service.services, tenant_id="T1", project_id=project_id(database), now=due)
    assert not digest.active


def test_another_tenants_project_is_not_found(churn, service, database, clock):
    with pytest.raises(LookupError):
        project_digest(service.services, tenant_id="T2", project_id=project_id(database), now=clock())


def test_the_summary_is_asked_of_the_llm_with_no_database_connection_held(database, clock, chat_for):
    """The LLM may take seconds: no transaction, nor even a connection, is held while it answers."""
    held: list[int] = []

    class Probe:
        def wait(self, timeout: float | None = None) -> bool:
            held.append(database.engine.pool.checkedout())
            return True

    fake = FakeOpenAI().start()
    try:
        fake.default = answer(
            {
                "headline": "Churn model at risk after retraining",
                "points": [{"text": "F1 fell to 0.71 after retraining.", "sources": [1]}],
                "asks": ["Approve relabelling work"],
            },
            hold=Probe(),
        )
        client = openai.OpenAI(base_url=fake.url, api_key="sk-test", timeout=10, max_retries=0)
        summarizer = Summarizer(
            database=database, llm=Llm(client, model="test-model", language="English"), clock=clock
        )
        from handlers.commands import build_registry
        from handlers.service import CommandService

        service = CommandService(
            database=database, registry=build_registry(), clock=clock, summarizer=summarizer
        )
        chat = chat_for(service)
        chat('project new churn "Churn model"')
        chat('status at-risk "F1 dropped to 0.71 after retraining"')
        text = render(digest_of(service, database, clock).reply)
    finally:
        fake.stop()
    assert held == [0]
    assert (
        "This week — Churn model at risk after retraining:\n  • F1 fell to 0.71 after retraining. [@alice Wed 18 Nov]"
        in text
    )
    assert "Needed from you:\n  • Approve relabelling work" in text
    assert "Written by an AI model" in text


def test_the_portfolio_lists_open_projects_worst_first_with_their_biggest_change(
    chat, service, database, clock
):
    chats = {}  # kept alive: a chat's request ids include its id(), which a new one could reuse

    def project(key: str, *commands: str) -> None:
        there = chats[key] = chat.as_(channel=f"C-{key}")
        assert there(f'project new {key} "{key.title()} model"').startswith("✓")
        for command in commands:
            assert not there(command).startswith("✗"), command

    project("churn", 'status on-track "Going well"')
    project("ocr", 'status on-track "Pilot live"')
    project("fraud")
    project("quiet", 'status on-track "All calm"', 'deliverable add "Report" owner @bob due friday')
    project("legacy", 'status off-track "Shelved"', "phase closed")
    clock.advance(days=8)
    chats["churn"]('risk add "Vendor API deprecation" p=4 i=4')
    chats["ocr"]('status off-track "Vendor cancelled the contract"')
    chats["fraud"]('status at-risk "No labelled fraud cases yet"')

    reply = portfolio_digest(service.services, tenant_id="T1", now=clock())

    assert reply.public
    assert render(reply).splitlines() == [
        "Portfolio digest, week to Thu 26 Nov 2026: 4 open projects (1 off track, 1 at risk, 2 on track)",
        "🔴 Off track:",
        "  • ocr · Ocr model · framing · health moved from 🟢 on track to 🔴 off track",
        "🟠 At risk:",
        "  • fraud · Fraud model · framing · first status: 🟠 at risk",
        "🟢 On track:",
        "  • churn · Churn model · framing · new risk R-1 (score 16): Vendor API deprecation",
        "  • quiet · Quiet model · framing · nothing recorded this week · 1 overdue deliverable",
    ]
    assert portfolio_digest(service.services, tenant_id="T2", now=clock()).headline == (
        "Portfolio digest, week to Thu 26 Nov 2026: no open projects.",
    )


def test_the_portfolio_puts_projects_without_a_status_before_those_on_track(chat, service, clock):
    chat('project new churn "Churn model"')
    chat('status on-track "Fine"')
    chat.as_(channel="C-new")('project new newbie "New model"')
    lines = render(portfolio_digest(service.services, tenant_id="T1", now=clock())).splitlines()
    assert lines[0].endswith("2 open projects (1 without a status, 1 on track)")
    assert lines[1:] == [
        "No status yet:",
        "  • newbie · New model · framing · nothing recorded this week",
        "🟢 On track:",
        "  • churn · Churn model · framing · first status: 🟢 on track",
    ]


def test_digest_preview_shows_only_the_asker(churn, service):
    churn('status at-risk "F1 dropped to 0.71"')
    bob = churn.as_("bob")
    assert bob("digest preview") == "Preparing your preview of the digest of churn…"
    (job,) = bob.pending
    preview = service.run_later(job)
    assert preview is not None
    assert not preview.public
    text = render(preview)
    assert text.startswith("Weekly digest of Churn model (churn), week to Wed 18 Nov 2026")
    assert text.endswith(
        "Only you see this preview. It goes out every Friday at 16:00 (UTC) in the project's channel."
    )


def test_digest_now_posts_in_the_channel_and_only_the_owner_may(churn, service, count):
    churn('status at-risk "F1 dropped to 0.71"')
    bob = churn.as_("bob")
    assert bob("digest now") == (
        "✗ Only the owner of churn can post its digest; `project churn` shows who that is.\n"
        "  Usage: digest now [portfolio]"
    )
    assert bob.pending == ()
    assert churn("digest now", request_id="now-1") == "Posting the digest of churn in this channel…"
    (job,) = churn.pending
    posted = service.run_later(job)
    assert posted is not None
    assert posted.public
    assert render(posted).startswith("Weekly digest of Churn model (churn)")
    churn("digest now", request_id="now-1")  # the platform retried the same request
    assert churn.pending == ()  # posted once


def test_digest_needs_a_project_or_the_portfolio(chat, service):
    assert chat("digest preview") == (
        "✗ This channel has no project. Name one (`<key>: digest preview`), or ask for "
        "`digest preview portfolio`.\n  Usage: digest preview [portfolio]"
    )
    assert chat("digest now everything").startswith("✗ “everything” is not a digest. Use one of: portfolio.")
    assert chat("digest preview portfolio") == "Preparing your preview of the portfolio digest…"
    (job,) = chat.pending
    preview = service.run_later(job)
    assert preview is not None
    assert not preview.public
    assert render(preview).splitlines() == [
        "Portfolio digest, week to Wed 18 Nov 2026: no open projects.",
        "  Only you see this preview. No portfolio channel is set: `settings portfolio-channel #channel` sets one.",
    ]
    assert chat("digest now portfolio") == "Posting the portfolio digest in this channel…"
    (job,) = chat.pending
    posted = service.run_later(job)
    assert posted is not None
    assert posted.public


def test_a_preview_says_when_a_project_without_a_channel_gets_its_digest(churn, service):
    elsewhere = churn.as_(channel="C-other")
    elsewhere('project new ocr "OCR"')  # C-other becomes its home
    churn('project new fraud "Fraud"')  # C-churn is churn's home already: fraud has none
    churn("fraud: digest preview")
    (job,) = churn.pending
    preview = service.run_later(job)
    assert preview is not None
    assert render(preview).endswith(
        "Only you see this preview. fraud has no channel of its own, so its digest goes to its owner in a "
        "direct message; "
        "`fraud: digest now` posts it where you type it."
    )


def test_pmbot_digest_prints_the_digest_of_a_project_made_in_the_console(tmp_path):
    made = run(
        tmp_path,
        "console",
        stdin=(
            'project new churn "Churn model"\n'
            'status at-risk "F1 dropped to 0.71 after retraining"\n'
            'risk add "Label noise in Q3 data" p=4 i=3\n'
            'decision "Use gradient boosting" because "cheaper to run"\n'
        ),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    result = run(tmp_path, "digest", "--project", "churn", "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Weekly digest of Churn model (churn), week to ")
    assert "  Health: 🟠 at risk" in out
    assert "This week — Churn model: 1 update, now at risk:" in out
    assert "F1 is a zero-to-one score" in out  # the business summary explains the jargon
    assert "R-1 · score 12 (p4×i3) · Label noise in Q3 data · no owner — new this week" in out
    assert "D-1 · Use gradient boosting — because cheaper to run · @me" in out
    assert result.stderr == ""

    posted = run(tmp_path, "digest", "--project", "churn")
    assert posted.stdout == out
    assert "Printed only, not posted: `pmbot run` posts each project's digest" in posted.stderr

    portfolio = run(tmp_path, "digest", "--dry-run")
    assert "  • churn · Churn model · framing · first status: 🟠 at risk" in portfolio.stdout

    missing = run(tmp_path, "digest", "--project", "nope", "--dry-run")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "There is no project 'nope' in local."
