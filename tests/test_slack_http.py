"""Slack in HTTP mode: signed requests to the running server's /slack/events, the real slack_bolt and
slack_sdk code, and a loopback Slack Web API (tests/fake_slack.py) that records what the app posts."""

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import (
    CoreSettings,
    LlmSettings,
    Settings,
    SlackSettings,
    StorageSettings,
)
from storage.models import Project, Risk, StatusUpdate
from tests.fake_slack import FakeSlack
from tests.slack_server import QUIET_SCHEDULER, SECRET, Server, answer, post, slash


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def server(database, slack) -> Iterator[Server]:
    settings = Settings(
        core=CoreSettings.model_validate({}),
        storage=StorageSettings.model_validate(
            {"DATABASE_URL": database.engine.url.render_as_string(hide_password=False)}
        ),
        llm=LlmSettings.model_validate({}),
        scheduler=QUIET_SCHEDULER,
        slack=SlackSettings.model_validate(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url}
        ),
    )
    running = Server(settings)
    yield running
    running.close()


def command(server: Server, slack: FakeSlack, text: str) -> dict[str, Any]:
    """Send `/pm text` and wait for its answer, as a person waits before typing the next one."""
    form = slash(slack, text)
    post(server, form)
    return answer(slack, form)


def test_healthz_answers(server):
    with urllib.request.urlopen(server.url("/healthz"), timeout=10) as response:
        assert json.loads(response.read()) == {"ok": True}


def test_a_command_is_acked_at_once_and_answered_privately_through_response_url(server, slack, count):
    form = slash(slack, 'project new churn "Churn model"')
    status, body = post(server, form)
    assert (status, body) == (200, "")
    reply = answer(slack, form)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("✅ Created project churn: Churn model")
    assert reply["blocks"][0]["type"] == "section"
    risk = command(server, slack, "risk add Label noise in Q3 data p=4 i=3")
    assert risk["text"].startswith("✅ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)")
    assert count(Risk) == 1


def test_a_status_summary_is_posted_in_the_channel_after_the_private_answer(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "status at-risk F1 dropped from 0.78 to 0.71")
    post(server, form)
    name = form["response_url"].rsplit("/", 1)[1]
    assert slack.wait_for_response(name, count=2)
    recorded, summary = slack.responses(name)
    assert recorded["response_type"] == "in_channel"
    assert recorded["text"].startswith("✅ Status of churn recorded")
    assert summary["response_type"] == "in_channel"
    assert summary["text"].startswith("For sponsors, churn: Churn model is at risk")
    assert "0.78" in summary["text"]
    assert "0.71" in summary["text"]
    assert slack.calls_to("chat.postMessage") == []  # no channel membership needed
    assert count(StatusUpdate) == 1


def test_user_text_cannot_ping_anyone(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add &lt;!channel&gt; look at this &amp; that &lt;!here&gt;")
    post(server, form)
    posted = json.dumps(answer(slack, form))
    assert "<!channel>" not in posted
    assert "<!here>" not in posted
    assert "&lt;!channel&gt; look at this &amp; that &lt;!here&gt;" in posted


def test_a_forged_signature_is_rejected_and_nothing_is_stored(server, slack, count):
    form = slash(slack, 'project new churn "Churn model"')
    status, _ = post(server, form, secret="not-the-secret")
    assert status == 401
    assert slack.responses(form["response_url"].rsplit("/", 1)[1]) == []
    assert count(Project) == 0


def test_a_request_older_than_five_minutes_is_rejected(server, slack):
    status, _ = post(server, slash(slack, "projects"), age=6 * 60)
    assert status == 401


def test_records_the_channel_should_see_are_posted_in_it_with_who_recorded_them(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    decision = command(server, slack, 'decision "Use gradient boosting" because "cheaper to serve"')
    assert decision["response_type"] == "in_channel"
    assert "Decided by: <@U0ALICE>" in decision["text"]
    assert command(server, slack, "phase poc")["response_type"] == "in_channel"
    assert command(server, slack, "risks")["response_type"] == "ephemeral"


def test_dates_are_read_in_the_timezone_slack_gives_for_the_person(server, slack):
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are always on different dates."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    slack.users["U0ALICE"] = {"tz": "Pacific/Kiritimati"}
    slack.users["U0BOB"] = {"tz": "Pacific/Pago_Pago"}
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, 'deliverable add "Extract" owner @bob due today', user_id="U0BOB", user_name="bob")
    post(server, form)
    bob_today = datetime.now(ZoneInfo("Pacific/Pago_Pago")).date()
    assert f"Due: {bob_today:%a %d %b %Y}" in answer(slack, form)["text"]
    alice = command(server, slack, 'deliverable add "Report" owner @alice due today')
    alice_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert f"Due: {alice_today:%a %d %b %Y}" in alice["text"]
    assert [c.args["user"] for c in slack.calls_to("users.info")] == ["U0ALICE", "U0BOB"]  # then cached


def test_a_rate_limited_web_api_call_is_retried_after_retry_after(server, slack):
    slack.users["U0ALICE"] = {"tz": "Pacific/Kiritimati"}
    slack.fail_next("users.info", status=429, retry_after=0)
    reply = command(server, slack, 'project new churn "Churn model"')
    assert reply["text"].startswith("✅ Created project churn")
    assert len(slack.calls_to("users.info")) == 2  # refused once, then answered
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert (
        f"Due: {today:%a %d %b %Y}"
        in command(server, slack, 'deliverable add "X" owner @bob due today')["text"]
    )


EVERY_VERB = [
    'project new churn "Churn model"',
    "help",
    "project",
    "projects",
    'usecase add "Fraud detection" problem "Card fraud costs 2M a year"',
    'usecase score U-1 value 4 feasibility 3 data 2 risk 2 "labels exist"',
    "usecases",
    "usecase U-1",
    "usecase qualify U-1",
    'usecase add "Support chatbot" problem "Too many support calls"',
    'usecase reject U-2 "No budget this year"',
    "usecase promote U-1 fraud",
    'status on-track "Labels arrived"',
    'risk add "Drift" p=2 i=3',
    "risk update R-1 p=3",
    "chart risks",
    "risks",
    'risk close R-1 "retired"',
    'decision "Use gradient boosting" because "cheaper"',
    'decision supersede D-1 "Use LightGBM" because "faster"',
    "decisions",
    'deliverable add "Extract" owner @bob due in 3 days',
    "deliverable snooze A-1 tomorrow",
    "deliverables",
    "deliverable done A-1",
    'deliverable add "Benchmark" owner "Vendor" due in 3 days',
    "deliverable cancel A-2",
    'kpi add "Recall" baseline 0.5 target 0.8',
    'kpi set "Recall" 0.6',
    "kpis",
    'chart kpi "Recall"',
    "chart health",
    "chart portfolio",
    'experiment add "Boosting lifts recall" metric "Recall" until in 3 days',
    'experiment result E-1 0.55 "Not enough labels"',
    "experiments",
    "experiment decide E-1 retry",
    "phase poc",
    "gate",
    'gate check team "Maya, Tom; vendor Acme"',
    "gate uncheck team",
    "gate template",
    'gate template add poc ethics "Ethics board consulted"',
    'gate template set poc ethics "Ethics board consulted and minuted"',
    "gate template remove poc ethics",
    "gate template reset",
    "governance",
    'governance set ai-act limited "Scores customers for retention offers"',
    "phase next",
    'phase next pivot "Score B2B customers only" until in 4 weeks',
    'phase next go --accept-gaps "The sponsor wants results"',
    'retro lesson "Fix the KPIs before the POC"',
    "retro",
    "lessons",
    "report",
    "export csv",
    "summary",
    "explain F1 fell to 0.71",
    "glossary F1",
    'glossary add "NPS" "how likely customers are to recommend us"',
    "settings llm off",
    "usage",
    "digest preview",
    "digest now",
    "settings digest thu 17:00",
    "settings review off",
    "settings portfolio-channel <#C0PORTF|ai-portfolio>",
    "remind off until next monday",
    "remind on",
    "dashboard",
    'phase next stop "The budget moved to fraud"',
]


def test_every_verb_works_through_slack(server, slack):
    from handlers.commands import build_registry
    from handlers.tokens import tokenize

    registry = build_registry()
    covered = {registry.match(tokenize(text))[0].name for text in EVERY_VERB}
    assert covered == set(registry.verbs), f"add an example for: {set(registry.verbs) - covered}"
    for text in EVERY_VERB:
        reply = command(server, slack, text)
        assert not reply["text"].startswith("❌"), (text, reply["text"])
        assert reply["blocks"], text


def test_the_steering_report_is_posted_in_the_channel_with_its_markdown_file(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'risk add "Label noise in Q3 data" p=4 i=4')
    report = command(server, slack, "report")
    assert report["response_type"] == "in_channel"
    [done] = slack.wait_for("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0CHURN"
    [asked] = slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"].startswith("steering-report-churn-")
    text = slack.uploaded[next(iter(slack.uploaded))].decode()
    assert text.startswith("# ")
    assert "Label noise in Q3 data" in text


def test_a_report_slack_will_not_take_as_a_file_says_how_to_fix_it(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    slack.fail_next("files.completeUploadExternal", error="not_in_channel")
    form = slash(slack, "report")
    post(server, form)
    name = form["response_url"].rsplit("/", 1)[1]
    assert slack.wait_for_response(name, count=2)
    posted, told = slack.responses(name)
    assert posted["response_type"] == "in_channel"
    assert told["response_type"] == "ephemeral"
    assert "Slack said not_in_channel" in told["text"]
    assert "/invite @pmbot" in told["text"]
