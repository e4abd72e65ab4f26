"""Teams messages through the real botbuilder code over real HTTP: Teams-shaped activities POSTed to the
running app's /api/messages, answers recorded by a loopback Bot Connector (tests/fake_connector.py).
Authentication is off here (`--insecure-local`); tests/test_teams_auth.py runs with it on."""

import pytest

from storage.models import HandledRequest, Project, Risk
from tests import teams_server
from tests.fake_connector import TENANT
from tests.teams_server import Person

connector = teams_server.connector  # fixtures: pytest finds them in this module's namespace
server = teams_server.server

CHANNEL = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2"
THREAD = f"{CHANNEL};messageid=1795000000001"
ALICE = "aaaaaaaa-1111-4111-8111-000000000001"


@pytest.fixture
def alice(server, connector) -> Person:
    """Alice, in a team's channel, mentioning pmbot."""
    return Person(server, connector)


def test_a_channel_message_mentioning_pmbot_is_answered_with_a_card_in_its_thread(alice, connector, count):
    answer = alice.say('project new churn "Churn model"')
    assert answer.method == "POST"
    assert answer.conversation_id == THREAD  # the reply goes in the message's thread
    assert answer.activity_id is not None  # …as a reply to the message
    card = answer.card
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    assert card["body"][0]["text"] == "✅ Created project churn: Churn model"
    assert card["fallbackText"].startswith("✅ Created project churn: Churn model")
    assert answer.body["summary"] == card["fallbackText"]
    assert count(Project, tenant_id=TENANT, home_channel=CHANNEL) == 1

    risks = alice.say("risks")
    assert risks.text == 'churn has no open risks. Add one: `risk add "<title>" p=3 i=4`'


def test_a_channel_message_without_the_mention_is_not_for_pmbot(alice, connector, count):
    data = alice.activity("risks")
    data["text"] = "risks"
    data["entities"] = [e for e in data["entities"] if e["type"] != "mention"]
    status, _ = alice.send(data)
    assert status in (200, 201)
    assert connector.posted == []
    assert count(HandledRequest) == 0


def test_the_risk_list_is_a_card_with_the_risks(alice, count):
    alice.say('project new churn "Churn model"')
    recorded = alice.say("risk add Label noise in Q3 data p=4 i=3")
    assert recorded.text.startswith("✅ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)")
    listed = alice.say("risks")
    assert "R-1 · score 12 (p4×i3) · Label noise in Q3 data" in listed.text
    assert count(Risk, tenant_id=TENANT) == 1


def test_a_redelivered_activity_is_carried_out_once(alice, connector, count):
    alice.say('project new churn "Churn model"')
    data = alice.activity("risk add Label noise in Q3 data")
    alice.answer(data)
    status, _ = alice.send(data)  # the connector delivers it again
    assert status in (200, 201)
    assert count(Risk) == 1
    assert len(connector.posted) == 2  # the repeat is not answered twice


def test_a_personal_chat_needs_no_mention(server, connector):
    bob = Person(server, connector, fixture="personal_message")
    answer = bob.say("help")
    assert answer.conversation_id.startswith("a:")
    assert "risk add" in answer.text


def test_a_group_chat_answers_when_mentioned(server, connector):
    group = Person(server, connector, fixture="group_message")
    answer = group.say("projects")
    assert answer.conversation_id == "19:meeting_group0000000000000000000000@thread.v2"
    assert answer.card["body"][0]["text"]
