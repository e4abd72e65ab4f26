"""pmbot's forms in Teams, through the running server: a verb that has a form, typed alone, is answered
with the form as an Adaptive Card; what Teams sends when it is submitted (an Action.Submit message with
`value`, an `adaptiveCard/action` invoke with `value.action.data`, kept as JSON under tests/data/teams/)
is carried out as the typed command, and a refusal comes back on the card beside its field."""

import itertools
from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from storage.models import Deliverable, Kpi, Risk, StatusUpdate
from tests import teams_server
from tests.fake_connector import FakeConnector, Posted, activity, buttons
from tests.teams_server import Person

connector = teams_server.connector  # fixtures: pytest finds them in this module's namespace
server = teams_server.server

THREAD = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2;messageid=1795000000001"
BOB = "bbbbbbbb-2222-4222-8222-000000000002"
BOB_FROM = {
    "id": "29:1Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh",
    "name": "Bob Chen",
    "aadObjectId": BOB,
}
_ids = itertools.count(1)


@pytest.fixture
def alice(server, connector) -> Person:
    alice = Person(server, connector)
    alice.say('project new churn "Churn model"')
    Person(server, connector, **{"from": BOB_FROM}).say("help")  # pmbot now knows Bob's name
    return alice


def submitted(connector: FakeConnector, **values: Any) -> dict[str, Any]:
    """The Action.Submit of the risk form as Teams sends it, with `values` in place of the fixture's."""
    data = connector.shape(activity("form_submit", id=f"1798{next(_ids):09d}"))
    data["value"] |= values
    return data


def executed(connector: FakeConnector, **data: Any) -> dict[str, Any]:
    """The Action.Execute of the KPI form as Teams sends it, with `data` in place of the fixture's."""
    invoke = connector.shape(activity("form_execute", id=f"f:1798{next(_ids):09d}"))
    invoke["value"]["action"]["data"] |= data
    return invoke


def execute(alice: Person, invoke: dict[str, Any]) -> dict[str, Any]:
    """Send the invoke; the card Teams puts in place of the one clicked."""
    status, body = alice.send(invoke)
    assert status == 200
    assert body is not None
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    return dict(body["value"])


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def walk(elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for element in elements:
            if element.get("type", "").startswith("Input."):
                found.append(element)
            found += walk(element.get("items", []))
        return found

    return {i["id"]: i for i in walk(card["body"])}


def beside(card: dict[str, Any], field: str) -> str:
    """The text right after the input `field`: where a form shows what was wrong with it."""
    body = card["body"]
    index = next(n for n, e in enumerate(body) if e.get("id") == field)
    after = body[index + 1]
    assert (after["type"], after.get("color")) == ("TextBlock", "Attention"), f"no error beside {field}"
    return str(after["text"])


def rows(database, model: type) -> list[Any]:
    with database.session(write=False) as db:
        return list(db.exec(select(model)))


def test_risk_add_typed_alone_answers_with_its_form(alice, database):
    card = alice.say("risk add").card
    assert card["version"] == "1.5"
    fields = inputs(card)
    assert [(name, f["type"], f["isRequired"]) for name, f in fields.items()] == [
        ("title", "Input.Text", True),
        ("p", "Input.ChoiceSet", True),
        ("i", "Input.ChoiceSet", True),
        ("owner", "Input.Text", False),
        ("category", "Input.ChoiceSet", False),
        ("mitigation", "Input.Text", False),
        ("review", "Input.Date", False),
    ]
    assert fields["p"]["value"] == "3"
    assert fields["p"]["choices"][3] == {"title": "4 — likely", "value": "4"}
    assert fields["mitigation"]["isMultiline"] is True
    (add,) = buttons(card)
    assert (add["type"], add["verb"], add["title"]) == ("Action.Execute", "pmbot.form", "Add")
    assert add["data"] == {"pmbot": "form", "form": "risk add"}
    assert add["fallback"]["type"] == "Action.Submit"
    assert add["fallback"]["data"] == add["data"]
    assert rows(database, Risk) == []


def test_a_project_typed_with_the_verb_goes_with_the_form(alice, connector, database):
    card = alice.say("churn: deliverable add").card
    assert card["body"][0]["text"] == "Add a deliverable in churn"
    assert list(inputs(card)) == ["title", "owner", "party", "due"]
    assert buttons(card)[0]["data"] == {"pmbot": "form", "form": "deliverable add", "project": "churn"}


def test_a_submitted_form_is_carried_out_as_the_command_it_stands_for(alice, connector, database):
    (answer,) = alice.answer(submitted(connector))
    assert answer.method == "POST"
    assert answer.text.startswith("✅ Recorded R-1: Label noise in the Q3 set — score 12 (p4×i3)")
    (risk,) = rows(database, Risk)
    assert (risk.owner_id, risk.mitigation, risk.review_by) == (
        BOB,
        "Double-label a sample of 500",
        date(2099, 1, 15),
    )
    assert risk.category is None


def test_a_refused_submission_comes_back_on_its_card_beside_the_field(alice, connector, database):
    """Teams says which card was submitted (replyToId): pmbot puts the form back in its place, filled
    in as it was, with the verb's own message beside the field it is about."""
    (again,) = alice.answer(submitted(connector, review="2020-01-15"))
    assert (again.method, again.conversation_id, again.activity_id) == ("PUT", THREAD, "1795000000500")
    card = again.card
    assert beside(card, "review") == "❌ Wed 15 Jan 2020 is in the past; give today or a later date."
    fields = inputs(card)
    assert fields["title"]["value"] == "Label noise in the Q3 set"
    assert (fields["p"]["value"], fields["owner"]["value"]) == ("4", "Bob Chen")
    assert buttons(card)[0]["data"] == {"pmbot": "form", "form": "risk add"}
    assert rows(database, Risk) == []

    (answer,) = alice.answer(submitted(connector, review="2099-02-01"))
    assert answer.text.startswith("✅ Recorded R-1: Label noise in the Q3 set")


def test_without_the_cards_id_the_form_is_posted_again(alice, connector, database):
    data = submitted(connector, title="")
    del data["replyToId"]
    (again,) = alice.answer(data)
    assert (again.method, again.activity_id) == ("POST", data["id"])  # a reply in the thread
    assert beside(again.card, "title") == "❌ <title> is missing."
    assert rows(database, Risk) == []


def test_a_submission_delivered_twice_is_carried_out_once(alice, connector, database):
    data = submitted(connector)
    alice.answer(data)
    before = len(connector.posted)
    status, _ = alice.send(data)
    assert status in (200, 201)
    assert len(connector.posted) == before
    assert len(rows(database, Risk)) == 1


def test_an_executed_form_is_answered_with_the_card_that_replaces_it(alice, connector, database):
    card = execute(alice, executed(connector))
    assert card["body"][0]["text"].startswith(
        "✅ Recorded KPI p95 latency: baseline 840 → target 400 ms (lower is better)"
    )
    (kpi,) = rows(database, Kpi)
    assert (kpi.baseline, kpi.target, kpi.unit, kpi.lower_is_better) == (840, 400, "ms", True)


def test_an_executed_form_that_is_refused_comes_back_with_the_error(alice, connector, database):
    card = execute(alice, executed(connector, baseline="", lower_is_better="false"))
    assert beside(card, "baseline").startswith("❌ ")
    assert "baseline" in beside(card, "baseline").lower()
    fields = inputs(card)
    assert (fields["name"]["value"], fields["target"]["value"]) == ("p95 latency", 400)
    assert fields["lower_is_better"]["value"] == "false"
    assert (buttons(card)[0]["verb"], buttons(card)[0]["data"]["form"]) == ("pmbot.form", "kpi add")
    assert rows(database, Kpi) == []


def test_a_person_is_typed_by_name_and_one_pmbot_does_not_know_is_refused(alice, connector, database):
    invoke = executed(connector)
    invoke["value"]["action"]["data"] = {
        "pmbot": "form",
        "form": "deliverable add",
        "project": "churn",
        "title": "Labelled Q3 set",
        "owner": "@Carol Diaz",
        "party": "",
        "due": "2099-01-15",
    }
    card = execute(alice, invoke)
    assert "I do not know anyone called “Carol Diaz” here" in beside(card, "owner")
    assert rows(database, Deliverable) == []

    invoke["id"] = f"f:1798{next(_ids):09d}"
    invoke["value"]["action"]["data"] |= {"owner": "bob", "party": "IT data team"}
    card = execute(alice, invoke)
    assert beside(card, "party") == "❌ Fill in either “Owner” or this, not both."

    invoke["id"] = f"f:1798{next(_ids):09d}"
    invoke["value"]["action"]["data"] |= {"owner": "@bob", "party": ""}
    card = execute(alice, invoke)
    assert card["body"][0]["text"].startswith("✅ Recorded A-1: Labelled Q3 set")
    (deliverable,) = rows(database, Deliverable)
    assert deliverable.owner_user_id == BOB


def test_status_alone_shows_the_latest_and_unfolds_its_form(alice, connector, database):
    answer: Posted = alice.say("status")
    (unfold,) = buttons(answer.card)
    assert (unfold["type"], unfold["title"]) == ("Action.ShowCard", "Post a status")
    form = unfold["card"]
    assert list(inputs(form)) == ["health", "what"]
    (post,) = form["actions"]
    assert post["data"] == {"pmbot": "form", "form": "status"}

    invoke = executed(connector)
    invoke["value"]["action"]["data"] = post["data"] | {"health": "on-track", "what": "F1 back to 0.78"}
    card = execute(alice, invoke)
    assert card["body"][0]["text"].startswith("✅ Status of churn recorded")
    (update,) = rows(database, StatusUpdate)
    assert update.text == "F1 back to 0.78"
