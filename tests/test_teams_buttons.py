"""Buttons on pmbot's cards in Teams: each is the command it stands for, carried out like a typed one —
an Action.Submit arrives as a message whose value holds the command, an Action.Execute as an
`adaptiveCard/action` invoke answered with the card that replaces the clicked one."""

import pytest
from sqlmodel import select

from storage.models import Deliverable
from tests import teams_server
from tests.fake_connector import activity, buttons
from tests.teams_server import Person

connector = teams_server.connector  # fixtures: pytest finds them in this module's namespace
server = teams_server.server


@pytest.fixture
def alice(server, connector) -> Person:
    alice = Person(server, connector)
    alice.say('project new churn "Churn model"')
    alice.say('deliverable add "Labelled Q3 set" owner "IT data team" due friday')
    return alice


def _status(database, ref: int = 1) -> str:
    with database.session(write=False) as db:
        return next(d.status for d in db.exec(select(Deliverable)) if d.number == ref)


def test_listed_deliverables_have_buttons_that_run_their_command(alice, database):
    listed = alice.say("deliverables").card
    assert [b["title"] for b in buttons(listed)] == ["Done", "Snooze 1 day", "Snooze 1 week"]
    done = buttons(listed)[0]
    assert done["type"] == "Action.Submit"
    assert done["data"] == {"pmbot": "run", "command": "churn: deliverable done A-1"}

    answer = alice.click(done)
    assert answer.text.startswith("✅ Done: A-1 Labelled Q3 set")
    assert _status(database) == "done"


def test_a_click_delivered_twice_is_carried_out_once(alice, connector, database):
    done = buttons(alice.say("deliverables").card)[0]
    click = connector.shape(activity("card_submit", value=done["data"]))
    alice.answer(click)
    before = len(connector.posted)
    status, _ = alice.send(click)
    assert status in (200, 201)
    assert len(connector.posted) == before  # the repeat is not answered again
    assert _status(database) == "done"


def test_an_action_execute_is_answered_with_the_card_that_replaces_the_clicked_one(
    alice, connector, database
):
    invoke = connector.shape(activity("card_execute"))
    status, body = alice.send(invoke)
    assert status == 200
    assert body is not None
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["body"][0]["text"].startswith("✅ Done: A-1 Labelled Q3 set")
    assert _status(database) == "done"


def test_a_refused_click_says_why(alice, connector):
    click = {"data": {"pmbot": "run", "command": "churn: deliverable done A-9"}}
    answer = alice.click(click)
    assert answer.text.startswith("❌ ")
    assert "A-9" in answer.text


def test_an_unknown_action_execute_is_a_bad_request(alice, connector):
    invoke = connector.shape(activity("card_execute"))
    invoke["value"]["action"]["verb"] = "something.else"
    status, body = alice.send(invoke)
    assert status == 200
    assert body is not None
    assert body["statusCode"] == 400
