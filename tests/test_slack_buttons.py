"""Buttons under listed items (Done, Snooze 1 day, Snooze 1 week): a click is the command it stands for,
carried out once, through the running server and the fake Slack."""

import copy
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.models import AuditEvent, Deliverable
from tests import test_slack_http
from tests.fake_slack import FakeSlack
from tests.test_slack_home import home_opened, open_home, write
from tests.test_slack_http import answer, command
from tests.test_slack_modals import interact, payload

server = test_slack_http.server  # fixtures: pytest finds them in this module's namespace
slack = test_slack_http.slack

clicks = iter(range(1, 1_000_000))


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a message by `<item ref> <label>`, e.g. "A-1 Done"."""
    found, item = {}, ""
    for block in message["blocks"]:
        if block["type"] == "section":
            item = next(iter(re.findall(r"\b[ARD]-\d+\b", block["text"]["text"])), "")
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            found[f"{item} {element['text']['text']}"] = element
    return found


def click(
    slack: FakeSlack, element: dict[str, Any], *, where: str = "message", **option: Any
) -> dict[str, Any]:
    """The block_actions Slack sends when a button (or a ⋯ menu option) is clicked, with its own trigger."""
    n = next(clicks)
    body = copy.deepcopy(payload("block_actions"))
    body["trigger_id"] = f"{n}.738474920.click"
    body["actions"][0] = {"action_id": element["action_id"], "block_id": "b", "type": element["type"]}
    body["actions"][0] |= option or {"value": element["value"], "text": element["text"]}
    if where == "home":  # a view has no response_url and no channel
        del body["response_url"], body["channel"]
        body["container"] = {"type": "view", "view_id": "V0HOME"}
        body["view"] = {"id": "V0HOME", "type": "home"}
    else:
        body["response_url"] = slack.response_url(f"click{n}")
    return body


def deliverables(database) -> dict[str, Deliverable]:
    with database.session(write=False) as db:
        return {d.ref: d for d in db.exec(select(Deliverable))}


def test_listed_deliverables_have_buttons_that_run_their_command(server, slack, database):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'deliverable add "Extract" owner @bob due in 3 days')
    command(server, slack, 'deliverable add "Labels" owner @bob due in 5 days')
    listed = command(server, slack, "deliverables")
    found = buttons(listed)
    assert sorted(found) == sorted(
        f"{ref} {label}" for ref in ("A-1", "A-2") for label in ("Done", "Snooze 1 day", "Snooze 1 week")
    )
    assert found["A-2 Done"]["value"] == "churn: deliverable done A-2"

    done = click(slack, found["A-2 Done"])
    assert interact(server, done) == (200, None)
    assert answer(slack, {"response_url": done["response_url"]})["text"].startswith("✅ Done: A-2 Labels")
    assert deliverables(database)["A-2"].status == "done"

    snooze = click(slack, found["A-1 Snooze 1 week"])
    interact(server, snooze)
    assert answer(slack, {"response_url": snooze["response_url"]})["text"].startswith("✅ Snoozed A-1")
    today = datetime.now(ZoneInfo("UTC")).date()  # the fake gives people UTC unless told otherwise
    assert deliverables(database)["A-1"].snoozed_until == today + timedelta(days=7)


def test_the_same_click_delivered_twice_is_carried_out_once(server, slack, database):
    command(server, slack, 'project new churn "Churn model"')
    command(server, slack, 'deliverable add "Extract" owner @bob due in 3 days')
    listed = buttons(command(server, slack, "deliverables"))
    done = click(slack, listed["A-1 Done"])
    assert interact(server, done) == (200, None)
    name = done["response_url"].rsplit("/", 1)[1]
    assert slack.wait_for_response(name)
    assert interact(server, done) == (200, None)  # Socket Mode may redeliver it
    again = click(slack, listed["A-1 Done"])
    interact(server, again)  # a second click, later: a new request, told it is done already
    assert answer(slack, {"response_url": again["response_url"]})["text"].startswith("❌ A-1 is already done")
    assert len(slack.responses(name)) == 1
    with database.session(write=False) as db:
        assert len(db.exec(select(AuditEvent).where(AuditEvent.action == "deliverable.done")).all()) == 1


def test_a_long_list_folds_each_items_buttons_into_a_menu(server, slack, database):
    command(server, slack, 'project new churn "Churn model"')
    for n in range(30):
        command(server, slack, f'deliverable add "Part {n}" owner @bob due in {n + 1} days')
    listed = command(server, slack, "deliverables")
    assert len(listed["blocks"]) <= 50
    menus = [b["accessory"] for b in listed["blocks"] if b.get("accessory", {}).get("type") == "overflow"]
    assert len(menus) >= 30 - 2  # whatever does not fit is counted in a last line
    first = menus[0]
    assert [o["text"]["text"] for o in first["options"]] == ["Done", "Snooze 1 day", "Snooze 1 week"]
    chosen = first["options"][0]
    body = click(slack, first, selected_option=chosen)
    interact(server, body)
    assert answer(slack, {"response_url": body["response_url"]})["text"].startswith("✅ Done: A-1 Part 0")
    assert deliverables(database)["A-1"].status == "done"


def test_done_in_the_home_refreshes_it_and_a_refused_click_says_why_in_a_modal(server, slack, database):
    write(server, slack, 'project new churn "Churn model"')  # each waits for the home it refreshes
    write(server, slack, 'deliverable add "Extract" owner <@U0ALICE|alice> due in 3 days')
    home = open_home(server, slack, home_opened())
    done = buttons(home.args["view"])["A-1 Done"]
    published = len(slack.calls_to("views.publish"))
    assert interact(server, click(slack, done, where="home")) == (200, None)
    refreshed = slack.wait_for("views.publish", published + 1)[-1]
    assert "A-1 Done" not in buttons(refreshed.args["view"])
    assert deliverables(database)["A-1"].status == "done"

    again = click(slack, done, where="home")  # the same button on a home not yet refreshed
    interact(server, again)
    modal = slack.wait_for("views.open")[0].args
    assert modal["trigger_id"] == again["trigger_id"]
    assert modal["view"]["blocks"][0]["text"]["text"].startswith("❌ *A-1 is already done")
