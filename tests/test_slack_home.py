"""The App Home tab and Events API deliveries, through the running server: signed JSON events as Slack
sends them (tests/data/slack/), the real Bolt app, and the views.publish calls the fake Slack records."""

import copy
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.signature import SignatureVerifier
from sqlmodel import select

from storage.models import Deliverable, HandledRequest, Project
from tests import test_slack_http
from tests.fake_slack import Call, FakeSlack
from tests.test_slack_http import SECRET, Server, answer, command, post, slash

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack

DATA = Path(__file__).parent / "data" / "slack"
HOME_OPENED = json.loads((DATA / "app_home_opened.json").read_text())
URL_VERIFICATION = json.loads((DATA / "url_verification.json").read_text())
ALICE = "<@U0ALICE|alice>"
BOB = "<@U0BOB|bob>"

events = iter(range(1, 1_000_000))


def post_event(server: Server, payload: dict[str, Any], retry: int = 0) -> tuple[int, str]:
    """POST an Events API body to /slack/events, signed as Slack signs it; `retry` as Slack numbers retries."""
    body = json.dumps(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(server.url("/slack/events"), data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as problem:
        return problem.code, problem.read().decode()


def home_opened(user: str = "U0ALICE", team: str = "T0TEST", **event: Any) -> dict[str, Any]:
    """An app_home_opened delivery as Slack sends it, with an event_id of its own."""
    payload = copy.deepcopy(HOME_OPENED)
    payload |= {"team_id": team, "context_team_id": team, "event_id": f"Ev0HOME{next(events):05d}"}
    payload["event"] |= {"user": user, **event}
    payload["authorizations"][0]["team_id"] = team
    return payload


def open_home(server: Server, slack: FakeSlack, payload: dict[str, Any]) -> Call:
    """Open the Home tab and return the view pmbot published for it."""
    published = len(slack.calls_to("views.publish"))
    assert post_event(server, payload) == (200, "")
    return slack.wait_for("views.publish", published + 1)[-1]


def write(server: Server, slack: FakeSlack, text: str, **fields: str) -> dict[str, Any]:
    """Send a `/pm` command that records something, and wait for the home it republishes."""
    published = len(slack.calls_to("views.publish"))
    form = slash(slack, text, **fields)
    post(server, form)
    reply = answer(slack, form)
    assert reply["text"].startswith("✅"), reply["text"]
    slack.wait_for("views.publish", published + 1)
    return reply


def shown(call: Call) -> str:
    """Every text of a published view, top to bottom."""
    texts = []
    for block in call.args["view"]["blocks"]:
        texts += [block["text"]["text"]] if "text" in block else []
        for item in block.get("fields", []) + block.get("elements", []):  # context texts, button labels
            texts.append(item["text"] if isinstance(item["text"], str) else item["text"]["text"])
    return "\n".join(texts)


def test_the_home_shows_my_deliverables_overdue_first_my_risks_and_my_projects_from_this_workspace(
    server, slack, database
):
    slack.users["U0ALICE"] = {"tz": "Pacific/Kiritimati"}  # UTC+14: dates are hers
    write(server, slack, 'project new churn "Churn model"')
    write(server, slack, 'project new fraud "Fraud rules"', channel_id="C0FRAUD")
    write(server, slack, 'project new billing "Billing"', channel_id="C0BILL", user_id="U0BOB")
    write(server, slack, 'project new elsewhere "Elsewhere"', team_id="T0OTHER", channel_id="C0ELSE")
    for text in (
        f'deliverable add "Report" owner {ALICE} due in 40 days',
        f'deliverable add "Extract" owner {ALICE} due in 30 days',  # A-2, made overdue below
        f'deliverable add "Labels" owner {ALICE} due in 5 days',
        f'deliverable add "Bob\'s part" owner {BOB} due in 1 day',
        f'risk add "Label noise" p=4 i=3 owner {ALICE}',  # R-1, score 12
        f'risk add "Drift" p=5 i=5 owner {ALICE}',  # R-2, closed below
        f'risk add "Bob\'s risk" p=5 i=5 owner {BOB}',
        "risk close R-2 fixed",
        "status at-risk F1 dropped from 0.78 to 0.71",
        f'fraud: deliverable add "Rules" owner {ALICE} due in 10 days',
        f'fraud: risk add "Vendor lock-in" p=5 i=4 owner {ALICE}',
    ):
        write(server, slack, text)
    write(server, slack, f'elsewhere: deliverable add "Not here" owner {ALICE} due today', team_id="T0OTHER")
    write(server, slack, f'elsewhere: risk add "Not here either" owner {ALICE}', team_id="T0OTHER")
    alice_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    with database.session(write=True) as db:
        churn = db.exec(select(Project).where(Project.key == "churn")).one()
        extract = db.exec(
            select(Deliverable).where(Deliverable.project_id == churn.id, Deliverable.number == 2)
        ).one()
        extract.due_date = alice_today - timedelta(days=3)
        db.add(extract)

    call = open_home(server, slack, home_opened())
    assert call.args["user_id"] == "U0ALICE"
    assert call.args["view"]["type"] == "home"
    home = shown(call)
    order = [
        "*My open deliverables*",
        f"churn · A-2 · Extract · due {alice_today - timedelta(days=3):%a %d %b %Y}, 3 days overdue",
        "churn · A-3 · Labels",
        "fraud · A-1 · Rules",
        "churn · A-1 · Report",
        "*Risks I own*",
        "fraud · R-1 · score 20 (p5×i4) · Vendor lock-in",
        "churn · R-1 · score 12 (p4×i3) · Label noise",
        "*My projects*",
        "churn · Churn model · framing · 🟠 at risk",
        "fraud · Fraud rules · framing · no status yet",
        "`/pm help` lists every command.",
    ]
    assert [home.index(text) for text in order] == sorted(home.index(text) for text in order)
    for absent in ("Bob", "Drift", "billing", "Not here", "elsewhere", "<@U0ALICE>"):
        assert absent not in home

    elsewhere = shown(open_home(server, slack, home_opened(team="T0OTHER")))
    assert "elsewhere · A-1 · Not here" in elsewhere
    assert "churn" not in elsewhere


def test_commands_that_end_while_a_home_is_being_published_are_covered_by_one_more_publish(server, slack):
    write(server, slack, 'project new churn "Churn model"')
    held = slack.hold_next("views.publish")
    published = len(slack.calls_to("views.publish"))
    form = slash(slack, f'risk add "Label noise" p=4 i=3 owner {ALICE}')
    post(server, form)
    assert answer(slack, form)["text"].startswith("✅")
    for title in ("Drift", "Consent flags", "Vendor lock-in"):  # answered while the first publish waits
        form = slash(slack, f'risk add "{title}" p=2 i=2 owner {ALICE}')
        post(server, form)
        assert answer(slack, form)["text"].startswith("✅")
    held.set()
    first, last = slack.wait_for("views.publish", published + 2)[published:]
    assert "Label noise" in shown(first)
    assert all(title in shown(last) for title in ("Label noise", "Drift", "Consent flags", "Vendor lock-in"))
    write(server, slack, 'risk add "Later" p=1 i=1')  # one person at a time: a later command publishes again
    assert len(slack.calls_to("views.publish")) == published + 3


def test_an_empty_home_says_what_to_type(server, slack):
    home = shown(open_home(server, slack, home_opened(user="U0NEW")))
    assert "Nothing open. Record one in a project's channel: `/pm deliverable add" in home
    assert "None open. Record one in a project's channel: `/pm risk add" in home
    assert "You are on no project yet. Create one in its channel: `/pm project new &lt;key&gt;" in home


def test_a_retried_event_is_handled_once(server, slack, count):
    slack.users["U0BOB"] = {"tz": "UTC"}
    first = home_opened()
    open_home(server, slack, first)
    assert post_event(server, first, retry=1) == (200, "")  # decided before this answer
    assert post_event(server, first) == (200, "")  # a plain repeat, e.g. from Socket Mode
    open_home(server, slack, home_opened(user="U0BOB"))  # a fresh event still goes through
    assert [call.args["user_id"] for call in slack.calls_to("views.publish")] == ["U0ALICE", "U0BOB"]
    assert count(HandledRequest, request_id=f"slack-event-{first['event_id']}") == 1


def test_events_from_bots_and_from_the_messages_tab_trigger_nothing(server, slack, count):
    assert post_event(server, home_opened(bot_id="B0OTHER")) == (200, "")
    assert post_event(server, home_opened(tab="messages")) == (200, "")
    open_home(server, slack, home_opened(user="U0BOB"))
    assert [call.args["user_id"] for call in slack.calls_to("views.publish")] == ["U0BOB"]
    assert count(HandledRequest) == 2  # the bot's event was not even claimed


def test_the_url_verification_challenge_is_answered(server):
    status, body = post_event(server, URL_VERIFICATION)
    assert status == 200
    assert json.loads(body) == {"challenge": URL_VERIFICATION["challenge"]}


def test_a_command_that_records_something_republishes_the_home_of_who_typed_it(server, slack):
    write(server, slack, 'project new churn "Churn model"')
    write(server, slack, f'deliverable add "Extract" owner {ALICE} due in 3 days')
    assert "churn · A-1 · Extract" in shown(open_home(server, slack, home_opened()))
    before = len(slack.calls_to("views.publish"))
    command(server, slack, "risks")  # records nothing: no republish
    write(server, slack, "deliverable done A-1")
    published = slack.calls_to("views.publish")
    assert len(published) == before + 1
    assert published[-1].args["user_id"] == "U0ALICE"
    home = shown(published[-1])
    assert "A-1" not in home
    assert "Nothing open." in home
