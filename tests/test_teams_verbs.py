"""Every pmbot verb through Teams: typed in a channel as `@pmbot <verb> …`, carried out by the same
registry and service as in Slack and the console, answered with an Adaptive Card in the thread, and
followed by what the command left for later (business summaries, digests) in the same thread."""

from collections.abc import Iterator

import pytest

from tests.fake_connector import FakeConnector
from tests.slack_server import Server
from tests.teams_server import Person, teams_settings
from tests.test_slack_http import EVERY_VERB

THREAD = "19:4f0c1c4e3b9a4a5c8f0c1c4e3b9a4a5c@thread.tacv2;messageid=1795000000001"

BOB_TEAMS_ID = "29:1Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8Nn7Mm6Ll5Kk4Jj3Ii2Hh1Gg0Ff9Ee8Dd7Cc6Bb5Aa4Zz3Yy2Xx"
BOB = "bbbbbbbb-2222-4222-8222-000000000002"
# (what Alice types after @pmbot, how each card pmbot posts for it starts: the answer, then follow-ups
# such as a status update's business summary); <at>Bob Chen</at> mentions Bob
SCRIPT = [
    ("help", ["pmbot keeps your AI project's status"]),
    ('project new churn "Churn model" sponsor <at>Bob Chen</at>', ["✅ Created project churn: Churn model"]),
    ("project", ["Churn model (churn)"]),
    ("projects", ["1 project"]),
    (
        "status at-risk F1 dropped from 0.78 to 0.71 after retraining",
        ["✅ Status of churn recorded: 🟠 at risk", "For sponsors, churn: Churn model is at risk"],
    ),
    ("status", ["churn is 🟠 at risk"]),
    (
        "risk add Label noise in Q3 data p=4 i=3 owner <at>Bob Chen</at>",
        ["✅ Recorded R-1: Label noise in Q3 data — score 12 (p4×i3)"],
    ),
    ("risk update R-1 p=2", ["✅ Updated R-1: Label noise in Q3 data — score 6 (was 12)"]),
    ("risks", ["Open risks of churn, highest score first"]),
    ('risk close R-1 "Relabelled"', ["✅ Closed R-1: Label noise in Q3 data — Relabelled"]),
    ('decision "Use XGBoost" because "It beats the baseline"', ["✅ Recorded D-1: Use XGBoost"]),
    ('decision supersede D-1 "Use LightGBM" because "Faster to train"', ["✅ Recorded D-2: Use LightGBM"]),
    ("decisions", ["Decisions of churn, newest first"]),
    (
        'deliverable add "Labelled Q3 set" owner <at>Bob Chen</at> due friday',
        ["✅ Recorded A-1: Labelled Q3 set"],
    ),
    ('deliverable add "Model card" owner "IT data team" due friday', ["✅ Recorded A-2: Model card"]),
    ('deliverable add "Drift report" owner <at>Bob Chen</at> due friday', ["✅ Recorded A-3: Drift report"]),
    ("deliverable snooze A-1 next monday", ["✅ Snoozed A-1 until Mon 23 Nov 2026"]),
    ("deliverable done A-1", ["✅ Done: A-1 Labelled Q3 set, on time"]),
    ("deliverable cancel A-2", ["✅ Cancelled: A-2 Model card"]),
    ("deliverables", ["Open deliverables of churn, soonest due first"]),
    ('kpi add "F1" baseline 0.70 target 0.80', ["✅ Recorded KPI F1: baseline 0.7 → target 0.8"]),
    ('kpi set "F1" 0.75', ["✅ Recorded F1: 0.75"]),
    ("kpis", ["Success KPIs of churn"]),
    ("phase poc", ["✅ churn moved from framing to poc"]),
    ("summary", ["Summarising 1 update of churn", "churn since"]),
    ("explain F1 dropped after retraining", ["Putting it in plain words…", "In plain words:"]),
    ("digest preview", ["Preparing your preview of the digest of churn…", "Weekly digest of Churn model"]),
    ("digest now", ["Posting the digest of churn in this channel…", "Weekly digest of Churn model"]),
    ("glossary F1", ["F1: a zero-to-one score"]),
    ('glossary add "PSI" "A measure of how much data has drifted"', ["✅ Added PSI"]),
    ("settings digest sat 10:00", ["✅ "]),
    ("settings review off", ["✅ "]),
    ("settings portfolio-channel off", ["✅ The portfolio digest is no longer posted."]),
    ("settings llm off", ["✅ This workspace will not send text to any LLM"]),
    ("usage", ["No LLM use recorded for this workspace"]),
    ("remind off until next monday", ["✅ Your reminders are paused"]),
    ("remind on", ["✅ Your reminders are back on."]),
]


@pytest.fixture
def connector() -> Iterator[FakeConnector]:
    fake = FakeConnector(members={BOB_TEAMS_ID: {"id": BOB_TEAMS_ID, "name": "Bob Chen", "aadObjectId": BOB}})
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def server(database) -> Iterator[Server]:
    running = Server(teams_settings(database), insecure_local=True)
    yield running
    running.close()


def _mentioning_bob(person: Person, text: str) -> dict:
    data = person.activity(text)
    if "<at>Bob Chen</at>" in text:
        data["entities"].append(
            {
                "type": "mention",
                "text": "<at>Bob Chen</at>",
                "mentioned": {"id": BOB_TEAMS_ID, "name": "Bob Chen"},
            }
        )
    return data


def test_the_verbs_are_answered_in_teams_with_their_follow_ups(server, connector):
    alice = Person(server, connector)
    for text, expected in SCRIPT:
        before = len(connector.posted)
        status, _ = alice.send(_mentioning_bob(alice, text))
        assert status in (200, 201)
        server.settle()  # the answer is posted in the turn, follow-ups (summaries) right after it
        posted = connector.posted[before:]
        said = [p.text for p in posted]
        assert len(said) == len(expected), f"{text}: {said}"
        for card, start in zip(said, expected, strict=True):
            assert card.startswith(start), f"{text}: {card}"
        assert all(p.conversation_id == THREAD for p in posted)


def test_every_verb_is_answered_in_teams(server, connector):
    """The examples tests/test_slack_http.py keeps of every verb (it checks that none is missing)."""
    alice = Person(server, connector)
    for text in EVERY_VERB:
        answer = alice.say(text)
        assert not answer.text.startswith("❌"), (text, answer.text)
        server.settle()  # follow-ups, so that each answer is the one to the command just sent


def test_a_person_mentioned_in_a_command_is_mentioned_back_in_the_card(server, connector):
    alice = Person(server, connector)
    alice.say('project new churn "Churn model"')
    alice.answer(_mentioning_bob(alice, "risk add Label noise p=4 owner <at>Bob Chen</at>"))
    card = alice.say("risks").card
    assert "<at>Bob Chen</at>" in card["body"][1]["text"]
    assert card["msteams"]["entities"] == [
        {"type": "mention", "text": "<at>Bob Chen</at>", "mentioned": {"id": BOB, "name": "Bob Chen"}}
    ]
