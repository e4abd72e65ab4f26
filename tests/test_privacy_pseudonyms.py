"""People reach the LLM as numbered placeholders (⟦P1⟧, ⟦P2⟧…) and come back in its answer as the team
wrote them, through the real command path and the real `openai` SDK against the loopback model
(tests/fake_openai.py), which answers with the placeholders it was sent.

Placeholders are given in the order people first appear in the request, so a test knows which one stands
for whom; each test also reads that from the request the model received.
"""

import json

import pytest

from handlers.redact import redact
from tests import llm_chat as with_llm
from tests.fake_openai import FakeOpenAI, answer

ALICE, BOB = "U0ALICE01", "U0BOBBY02"
TEAMS_ALICE = "6f0b3a6e-1234-4f1c-9a1d-0123456789ab"  # how a Teams mention reads in a command
AI = "Written by an AI model"
OFFLINE = "Written by pmbot without AI"

fake = with_llm.fake  # a fixture: pytest finds it in this module's namespace


def summary(text: str, asks: tuple[str, ...] = ()) -> dict:
    return {
        "headline": "Churn model at risk: retraining",
        "summary": text,
        "business_impact": "",
        "asks": [*asks],
    }


@pytest.fixture
def chat(database, clock, chat_for, fake):
    """@carol in the channel of project churn, with an LLM configured."""
    chat = with_llm.chat_with_llm(database, clock, chat_for, fake)
    return chat.as_("U0CAROL03")


def sent(fake: FakeOpenAI, index: int = -1) -> dict:
    return json.loads(fake.requests[index]["messages"][1]["content"])


def posted(chat, text: str) -> str:
    assert chat(f'status at-risk "{text}"').startswith("✓ Status of churn recorded"), text
    (result,) = chat.later()
    return result


@pytest.mark.parametrize(
    ("alice", "bob"),
    [
        pytest.param(f"<@{ALICE}>", f"<@{BOB}|bob>", id="Slack mentions"),
        pytest.param(f"@{TEAMS_ALICE}", "@bob.martin", id="Teams mention and a handle"),
    ],
)
def test_the_answer_names_alice_where_the_model_wrote_her_placeholder(chat, fake, alice, bob):
    fake.script.append(
        answer(
            summary("⟦P1⟧ will retrain the model and ⟦P2⟧ will check the labels.", ("Give ⟦P1⟧ the GPUs",))
        )
    )
    result = posted(chat, f"{alice} will retrain the model; {bob} checks the labels")
    assert sent(fake)["update"]["text"] == "⟦P1⟧ will retrain the model; ⟦P2⟧ checks the labels"
    assert AI in result
    assert f"{alice} will retrain the model and {bob} will check the labels." in result
    assert f"Give {alice} the GPUs" in result
    assert "⟦" not in result
    assert chat("status").count(alice) >= 1  # the stored summary has her mention too


def test_a_teams_mention_comes_back_as_the_name_it_shows(chat, fake):
    fake.script.append(answer(summary("⟦P1⟧ approved the budget.")))
    result = posted(chat, "<at>Maria Lopez</at> approved the budget")
    assert sent(fake)["update"]["text"] == "⟦P1⟧ approved the budget"
    assert AI in result
    assert "Maria Lopez approved the budget." in result


def test_in_a_digest_authors_come_back_too(chat, fake):
    alice = chat.as_(ALICE)
    assert posted(alice, "The vendor is late with the labels")  # its own summary: the default answer
    assert posted(chat.as_(BOB), f"Caught up, thanks to <@{ALICE}>")
    digest = {
        "headline": "Back on plan",
        "points": [
            {"text": "⟦P1⟧ reported the vendor late; ⟦P2⟧ caught up with ⟦P1⟧'s help.", "sources": [1, 2]}
        ],
        "asks": [],
    }
    fake.script.append(answer(digest))
    assert alice("summary").startswith("Summarising 2 updates")
    (result,) = alice.later()
    updates = sent(fake)["updates"]
    assert [(u["author"], u["text"]) for u in updates] == [
        ("⟦P1⟧", "The vendor is late with the labels"),
        ("⟦P2⟧", "Caught up, thanks to ⟦P1⟧"),
    ]
    assert AI in result
    assert f"@{ALICE} reported the vendor late; @{BOB} caught up with @{ALICE}'s help." in result


@pytest.mark.parametrize(
    "invented",
    [
        pytest.param("⟦P3⟧ will retrain the model.", id="a placeholder never sent"),
        pytest.param("⟦P0⟧ will retrain the model.", id="placeholder zero"),
        pytest.param("⟦Alice⟧ will retrain the model.", id="a name in placeholder brackets"),
        pytest.param("⟦P1⟧ and ⟦P2 will retrain the model.", id="a broken placeholder"),
    ],
)
def test_an_answer_naming_someone_never_sent_is_not_used(chat, fake, invented, caplog):
    fake.script.extend([answer(summary(invented))] * 2)
    result = posted(chat, f"<@{ALICE}> will retrain the model; <@{BOB}> checks the labels")
    assert OFFLINE in result
    assert f"<@{ALICE}> will retrain the model; <@{BOB}> checks the labels" in result  # the team's words
    assert len(fake.requests) == 1  # not asked again: a made-up person is no slip to correct
    assert "the answer names a person the data does not" in caplog.text


def test_brackets_the_team_typed_are_not_taken_for_placeholders(chat, fake):
    fake.script.append(answer(summary("⟦P2⟧ will retrain the model.")))
    result = posted(chat, f"<@{ALICE}> will retrain ⟦P2⟧")
    assert sent(fake)["update"]["text"] == "⟦P1⟧ will retrain [P2]"
    assert OFFLINE in result


def test_the_same_person_has_the_same_placeholder_throughout_a_request(chat, fake):
    alice, bob = chat.as_(ALICE), chat.as_(BOB)
    posted(alice, f"<@{BOB}> found the label bug")
    posted(bob, f"Fixed it with <@{ALICE}|alice> and @{BOB}; thanks @dana")
    posted(alice, f"Thanks @Dana and <@{BOB}|bob>, <@{ALICE}> signs off")
    invented = {"headline": "Labels fixed", "points": [{"text": "Fixed 9 bugs.", "sources": [2]}], "asks": []}
    fake.script.extend([answer(invented), answer(invented)])
    alice("summary")
    alice.later()
    first, retry = sent(fake, -2), sent(fake, -1)
    assert [(u["author"], u["text"]) for u in first["updates"]] == [
        ("⟦P1⟧", "⟦P2⟧ found the label bug"),
        ("⟦P2⟧", "Fixed it with ⟦P1⟧ and ⟦P2⟧; thanks ⟦P3⟧"),
        ("⟦P1⟧", "Thanks ⟦P3⟧ and ⟦P2⟧, ⟦P1⟧ signs off"),
    ]
    assert retry == first  # asked again with the failure named: the same people, the same placeholders
    assert "“9”" in fake.requests[-1]["messages"][-1]["content"]


def test_the_same_words_about_someone_else_are_asked_again_not_answered_from_the_cache(chat, fake):
    fake.default = answer(summary("⟦P1⟧ retrained the model."))
    first = posted(chat, f"<@{ALICE}> retrained the model")
    second = posted(chat, f"<@{BOB}> retrained the model")
    assert sent(fake, 0) == sent(fake, 1)  # the model sees the same request
    assert f"<@{ALICE}> retrained the model." in first
    assert f"<@{BOB}> retrained the model." in second
    posted(chat, f"<@{ALICE}> retrained the model")
    assert len(fake.requests) == 2  # the same words about Alice again: from the cache


@pytest.mark.parametrize(
    "person",
    [
        "@6f0b3a6e-1234-4f1c-9a1d-0123456789ab",  # a Teams object id
        "@0b5c3a6e-1234-4f1c-9a1d-0123456789ab",  # … starting with a digit, which no handle does
        "@29:1AbCdEfGhIjKlMnOpQr",  # a Bot Framework id
        "@8:orgid:2c9d1e7a-0000-4f1c-9a1d-0123456789ab",
        "@U024BE7LH",
        "@k",
    ],
)
def test_the_ids_people_are_written_as_are_people(person):
    assert redact(f"done by {person}, thanks") == redact("done by @maria, thanks")


@pytest.mark.parametrize("text", ["meet @10:30 in room 4", "ping @channel and @here", "mail ops@example.com"])
def test_what_only_looks_like_an_id_is_not_a_person(text):
    assert "person" not in redact(text).found
