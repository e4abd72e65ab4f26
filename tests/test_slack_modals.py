"""Slack modals and shortcuts through the running server: signed interactivity payloads (kept as JSON
under tests/data/slack/) to /slack/events, and the Web API calls the app makes on the fake Slack."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot.slack import forms
from handlers.forms import RISK_ADD
from storage.models import Decision, Deliverable, Project, Risk, StatusUpdate
from tests import test_slack_http
from tests.fake_slack import WORKSPACE_URL, FakeSlack
from tests.test_slack_http import Server, answer, command, post, slash

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack

DATA = Path(__file__).parent / "data" / "slack"


def payload(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text())


def interact(server: Server, body: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
    """POST an interactivity payload as Slack does (form-encoded `payload=<json>`, signed); the ack's
    JSON body, if it has one."""
    status, text = post(server, {"payload": json.dumps(body)})
    return status, json.loads(text) if text else None


def opened(slack: FakeSlack, count: int = 1) -> dict[str, Any]:
    """The view of the `count`-th views.open, once it arrives."""
    return slack.wait_for("views.open", count=count)[count - 1].args["view"]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _state(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    """One input's state as Slack reports it: selects carry the chosen option, empty inputs null."""
    kind = element["type"]
    if kind in ("static_select", "checkboxes"):
        options = {o["value"]: o for o in element["options"]}
        if kind == "checkboxes":
            return {"type": kind, "selected_options": [options[v] for v in answer or ()]}
        chosen = options.get(answer) if answer is not None else element.get("initial_option")
        return {"type": kind, "selected_option": chosen or ({"value": answer} if answer else None)}
    if kind == "users_select":
        return {"type": kind, "selected_user": answer}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer}
    return {"type": kind, "value": answer if answer is not None else element.get("initial_value")}


def submission(
    view: dict[str, Any], answers: dict[str, Any], *, view_id: str = "V0MODAL0001"
) -> dict[str, Any]:
    """The view_submission of the view pmbot opened, filled in with `answers` (block id → value)."""
    body = payload("view_submission")
    values = {
        b["block_id"]: {b["element"]["action_id"]: _state(b["element"], answers.get(b["block_id"]))}
        for b in view["blocks"]
        if b["type"] == "input"
    }
    body["view"] |= {
        "id": view_id,
        "root_view_id": view_id,
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "title": view["title"],
        "blocks": view["blocks"],
        "state": {"values": values},
    }
    return body


def today(days: int = 0) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def project_of(database, model: type, number: int = 1) -> str:
    with database.session(write=False) as db:
        row = db.exec(select(model).where(model.number == number)).one()
        return db.get(Project, row.project_id).key


def test_risk_add_typed_alone_opens_its_form_instead_of_answering(server, slack):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add")
    assert post(server, form) == (200, "")
    call = slack.wait_for("views.open")[0]
    assert call.args["trigger_id"] == form["trigger_id"]
    view = call.args["view"]
    assert view["callback_id"] == "form:risk add"
    assert [(b["block_id"], b["element"]["type"], b["optional"]) for b in view["blocks"]] == [
        ("title", "plain_text_input", False),
        ("p", "static_select", False),
        ("i", "static_select", False),
        ("owner", "users_select", True),
        ("category", "static_select", True),
        ("mitigation", "plain_text_input", True),
        ("review", "datepicker", True),
    ]
    assert [o["value"] for o in block(view, "p")["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert block(view, "i")["element"]["initial_option"]["value"] == "3"
    assert [o["value"] for o in block(view, "category")["element"]["options"]][:3] == [
        "data",
        "model",
        "bias",
    ]
    assert block(view, "mitigation")["element"]["multiline"] is True
    assert json.loads(view["private_metadata"]) == {
        "channel": "C0CHURN",
        "response_url": form["response_url"],
    }
    assert slack.responses(form["response_url"].rsplit("/", 1)[1]) == []  # no answer: the form is it


def test_a_submitted_risk_is_recorded_and_confirmed_to_the_person_in_the_channel(
    server, slack, database, count
):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add")
    post(server, form)
    view = opened(slack)
    answers = {
        "title": "Label noise in Q3 data",
        "p": "4",
        "owner": "U0BOB",
        "category": "data",
        "mitigation": 'Relabel a 5% sample;\nuse "gold" labels',
        "review": today(10),
    }
    assert interact(server, submission(view, answers)) == (200, None)  # closes the form
    posted = answer(slack, form)  # through the command's response_url: no channel membership needed
    assert posted["response_type"] == "ephemeral"
    assert slack.calls_to("chat.postEphemeral") == []
    assert posted["text"].startswith("✅ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)")
    assert "Owner: <@U0BOB>" in posted["text"]
    assert posted["blocks"][0]["type"] == "section"
    with database.session(write=False) as db:
        risk = db.exec(select(Risk)).one()
        assert (risk.owner_id, risk.category, risk.review_by.isoformat()) == ("U0BOB", "data", today(10))
        assert risk.mitigation == "Relabel a 5% sample; use ”gold” labels"
    assert count(Risk) == 1


def test_a_bad_value_is_shown_beside_its_field_and_nothing_is_recorded(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add")
    post(server, form)
    view = opened(slack)
    status, ack = interact(server, submission(view, {"title": "Label noise", "p": "9"}))
    assert status == 200
    assert ack == {
        "response_action": "errors",
        "errors": {"p": "Probability (p) must be a whole number from 1 to 5; you gave “9”."},
    }
    assert count(Risk) == 0
    # Corrected, the same form (same view id and hash) goes through: a refusal claims nothing.
    assert interact(server, submission(view, {"title": "Label noise", "p": "2"})) == (200, None)
    assert answer(slack, form)["text"].startswith("✅ Recorded R-1: Label noise")
    assert count(Risk) == 1


def test_a_past_due_date_is_shown_beside_the_due_field(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "deliverable add")
    post(server, form)
    view = opened(slack)
    assert [b["block_id"] for b in view["blocks"]] == ["title", "owner", "party", "due"]
    past = datetime.now(UTC).date() - timedelta(days=3)
    _, ack = interact(
        server, submission(view, {"title": "Extract", "owner": "U0BOB", "due": past.isoformat()})
    )
    assert ack == {
        "response_action": "errors",
        "errors": {"due": f"{past:%a %d %b %Y} is in the past; give today or a later date."},
    }
    _, ack = interact(
        server, submission(view, {"title": "Extract", "owner": "U0BOB", "party": "IT", "due": today()})
    )
    assert ack == {
        "response_action": "errors",
        "errors": {"party": "Fill in either “Owner” or this, not both."},
    }
    assert count(Deliverable) == 0
    _, ack = interact(
        server, submission(view, {"title": "Extract", "party": "IT data team", "due": today(7)})
    )
    assert ack is None
    assert "Owner: “IT data team”" in answer(slack, form)["text"]
    assert count(Deliverable) == 1


def test_a_double_submission_records_once_and_confirms_once(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    first = slash(slack, "risk add")
    post(server, first)
    twice = submission(opened(slack), {"title": "Label noise"})
    assert interact(server, twice) == (200, None)
    assert interact(server, twice) == (200, None)
    second = slash(slack, "risk add")
    post(server, second)
    assert interact(server, submission(opened(slack, 2), {"title": "Drift"}, view_id="V0MODAL0002")) == (
        200,
        None,
    )
    assert answer(slack, second)["text"].startswith("✅ Recorded R-2")
    confirmed = [
        reply["text"].split(":")[0] for reply in slack.responses(first["response_url"].rsplit("/", 1)[1])
    ]
    assert confirmed == ["✅ Recorded R-1"]
    assert count(Risk) == 2


def test_record_as_decision_opens_a_prefilled_form_and_the_decision_keeps_the_permalink(
    server, slack, database
):
    """The form opens first, since the trigger expires three seconds after the click; the permalink
    is put in the open form afterwards."""
    command(server, slack, 'project new churn "Churn model"')
    shortcut = payload("message_action") | {"response_url": slack.response_url("shortcut")}
    assert interact(server, shortcut) == (200, None)
    call = slack.wait_for("views.open")[0]
    assert call.args["trigger_id"] == shortcut["trigger_id"]
    view = call.args["view"]
    assert view["callback_id"] == "form:decision"
    title = "We go with gradient boosting & drop the deep net: cheaper to serve"
    assert block(view, "title")["element"]["initial_value"] == title
    asked = slack.wait_for("chat.getPermalink")[0].args
    assert (asked["channel"], asked["message_ts"]) == ("C0CHURN", "1790000000.000100")
    assert [c.method for c in slack.calls if c.method in ("views.open", "chat.getPermalink")] == [
        "views.open",
        "chat.getPermalink",
    ]
    update = slack.wait_for("views.update")[0].args
    view = update["view"]
    assert block(view, "title")["element"]["initial_value"] == title
    permalink = f"{WORKSPACE_URL}archives/C0CHURN/p1790000000000100"
    assert json.loads(view["private_metadata"]) == {
        "channel": "C0CHURN",
        "link": permalink,
        "response_url": shortcut["response_url"],
    }

    assert interact(server, submission(view, {"because": "cheaper to serve"})) == (200, None)
    assert slack.wait_for_response("shortcut")
    posted = slack.responses("shortcut")[0]
    assert posted["response_type"] == "in_channel"  # a decision is for the whole channel
    assert posted["text"].startswith(f"✅ Recorded D-1: {title.replace('&', '&amp;')}")
    assert f"Source: {permalink}" in posted["text"]
    with database.session(write=False) as db:
        decision = db.exec(select(Decision)).one()
        assert (decision.title, decision.source_link) == (title, permalink)


def test_log_a_risk_has_a_project_picker_and_the_risk_lands_in_the_chosen_project(server, slack, database):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, 'project new fraud "Fraud scoring"', channel_id="C0FRAUD")
    post(server, form)
    assert slack.wait_for_response(form["response_url"].rsplit("/", 1)[1])
    assert interact(server, payload("shortcut")) == (200, None)
    view = opened(slack)
    assert view["blocks"][0]["block_id"] == "project"
    choices = [(o["value"], o["text"]["text"]) for o in view["blocks"][0]["element"]["options"]]
    assert choices == [("churn", "churn — Churn model"), ("fraud", "fraud — Fraud scoring")]
    assert json.loads(view["private_metadata"]) == {}  # no channel

    status, ack = interact(server, submission(view, {"project": "fraud", "title": "Chargeback labels lag"}))
    assert status == 200
    assert ack is not None
    assert ack["response_action"] == "update"  # no channel to answer in: the form shows the answer
    assert ack["view"]["blocks"][0]["text"]["text"].startswith("✅ *Recorded R-1: Chargeback labels lag")
    assert project_of(database, Risk) == "fraud"
    assert slack.calls_to("chat.postEphemeral") == []


def test_status_alone_shows_the_latest_with_a_button_that_opens_the_status_form(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    latest = command(server, slack, "status")
    assert latest["text"].startswith("churn has no status yet")
    actions = latest["blocks"][-1]
    assert actions["type"] == "actions"
    button = actions["elements"][0]
    assert button["text"]["text"] == "Post a status"

    click = payload("block_actions") | {"response_url": slack.response_url("button")}
    click["actions"][0] |= {
        "action_id": button["action_id"],
        "value": button["value"],
        "text": button["text"],
    }
    assert interact(server, click) == (200, None)
    call = slack.wait_for("views.open")[0]
    assert call.args["trigger_id"] == click["trigger_id"]
    view = call.args["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["health", "what"]

    answers = {"health": "at-risk", "what": "F1 dropped from 0.78 to 0.71"}
    assert interact(server, submission(view, answers)) == (200, None)
    assert slack.wait_for_response("button", count=2)
    recorded, summary = slack.responses("button")
    assert (recorded["response_type"], summary["response_type"]) == ("in_channel", "in_channel")
    assert recorded["text"].startswith("✅ Status of churn recorded")
    assert summary["text"].startswith("For sponsors, churn: Churn model is at risk")
    assert count(StatusUpdate) == 1
    assert command(server, slack, "status on-track fine")["blocks"][-1]["type"] != "actions"


def test_a_kpi_form_becomes_the_typed_command_and_its_checks_show_beside_the_target(server, slack, count):
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "kpi add")
    post(server, form)
    view = opened(slack)
    answers = {
        "name": "p95 latency",
        "baseline": "800",
        "target": "1200",
        "unit": "ms",
        "lower_is_better": ["lower-is-better"],
    }
    _, ack = interact(server, submission(view, answers))
    assert ack == {
        "response_action": "errors",
        "errors": {"target": "With lower-is-better the target must be below the baseline."},
    }
    assert interact(server, submission(view, answers | {"target": "300"})) == (200, None)
    assert answer(slack, form)["text"].startswith(
        "✅ Recorded KPI p95 latency: baseline 800 → target 300 ms (lower is better)"
    )


def test_a_submission_too_slow_for_the_ack_closes_the_form_and_is_answered_in_a_message(server, slack, count):
    """Slack wants the ack within three seconds: past ACK_BUDGET the form closes, and even an error
    comes as a message, with what was entered so that it is not lost."""
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add")
    post(server, form)
    view = opened(slack)
    held = slack.hold_next("users.info")  # the first thing the submission waits for
    by_bob = submission(view, {"title": "Label noise", "p": "9"})
    by_bob["user"] |= {"id": "U0BOB", "username": "bob", "name": "bob"}  # whose timezone is not cached yet
    assert interact(server, by_bob) == (200, None)
    held.set()
    text = answer(slack, form)["text"]
    assert text.startswith("❌ Probability (p) must be a whole number from 1 to 5")
    assert 'You entered: risk add "Label noise" p "9" i "3"' in text
    assert count(Risk) == 0


def test_an_answer_whose_response_url_expired_goes_to_the_channel_instead(server, slack, count):
    """A response_url lasts 30 minutes: a form left open longer is answered with chat.postEphemeral."""
    command(server, slack, 'project new churn "Churn model"')
    form = slash(slack, "risk add")
    post(server, form)
    view = opened(slack)
    slack.expired.add(form["response_url"].rsplit("/", 1)[1])
    assert interact(server, submission(view, {"title": "Label noise"})) == (200, None)
    posted = slack.wait_for("chat.postEphemeral")[0].args
    assert (posted["channel"], posted["user"]) == ("C0CHURN", "U0ALICE")
    assert posted["text"].startswith("✅ Recorded R-1: Label noise")
    assert count(Risk) == 1


def test_whatever_is_typed_in_a_field_stays_in_that_field():
    """Quotes, option names and project flags inside a value cannot leak into the command."""
    view = forms.view(RISK_ADD, forms.Metadata(channel="C1"))
    title = 'Use "gold" labels p=5 --project other “smart” » done'
    values = {"title": {"value": {"type": "plain_text_input", "value": title}}}
    built = forms.command_text(
        RISK_ADD, {"state": {"values": values}}, forms.Metadata.loads(view["private_metadata"])
    )
    assert built.text == "risk add «Use ”gold” labels p=5 --project other “smart” › done»"
    from handlers.tokens import split_project, tokenize

    key, rest = split_project(built.text)
    assert key is None
    assert [t.text for t in tokenize(rest)] == [
        "risk",
        "add",
        "Use ”gold” labels p=5 --project other “smart” › done",
    ]
