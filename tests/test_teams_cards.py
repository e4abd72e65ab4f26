"""Replies as Adaptive Cards: what people typed stays inert (no mention, no link), only pmbot's own
mentions ping, buttons carry their command, and a card always fits in one Teams message."""

import json

from bot.teams import cards
from handlers.reply import Action, Code, Field, Mention, Reply, Section, Tone, line

ALICE = "aaaaaaaa-1111-4111-8111-000000000001"


def test_typed_text_can_neither_mention_nor_link():
    reply = Reply(headline=line("Risk: <at>Bob</at> said [click here](https://evil.example) and [x][1]"))
    text = cards.card(reply)["body"][0]["text"]
    assert "<at>" not in text
    assert "](" not in text
    assert "][" not in text
    assert (
        text.replace("\u2060", "") == "Risk: <at>Bob</at> said [click here](https://evil.example) and [x][1]"
    )
    assert cards.card(reply)["msteams"]["entities"] == []


def test_a_mention_of_a_known_person_pings_them():
    reply = Reply(headline=line("Owner: ", Mention(ALICE)))
    card = cards.card(reply, names={ALICE: "Alice Martin"}.get)
    assert card["body"][0]["text"] == "Owner: <at>Alice Martin</at>"
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Alice Martin</at>",
            "mentioned": {"id": ALICE, "name": "Alice Martin"},
        }
    ]
    assert card["fallbackText"] == "Owner: @Alice Martin"


def test_a_mention_of_someone_unknown_is_plain_text():
    card = cards.card(Reply(headline=line("Owner: ", Mention("alice"))))
    assert card["body"][0]["text"] == "Owner: @alice"
    assert card["msteams"]["entities"] == []


def test_tone_fields_notes_and_usage():
    reply = Reply(
        headline=line("No such risk"),
        tone=Tone.ERROR,
        fields=(Field("Status", line("open")),),
        notes=(line("You wrote: ", Code("risk close R-9")),),
        usage='risk close R-n ["why"]',
    )
    card = cards.card(reply)
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "❌ No such risk",
        "wrap": True,
        "weight": "Bolder",
        "size": "Medium",
        "color": "Attention",
    }
    assert card["body"][1] == {"type": "FactSet", "facts": [{"title": "Status", "value": "open"}]}
    assert card["body"][2]["text"] == "You wrote: `risk close R-9`"
    assert card["body"][3]["text"] == 'Usage: `risk close R-n ["why"]`'
    assert card["fallbackText"].startswith("❌ No such risk\nStatus: open\nYou wrote: risk close R-9")


def test_items_with_actions_get_submit_buttons_carrying_their_command():
    section = Section(
        "Open deliverables",
        (line("A-1 · Labels"), line("A-2 · Report")),
        ((Action("Done", "churn: deliverable done A-1"),), ()),
    )
    card = cards.card(Reply(headline=line("Deliverables"), sections=(section,)))
    first, second = card["body"][2], card["body"][3]
    assert first["items"][1] == {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Done",
                "data": {"pmbot": "run", "command": "churn: deliverable done A-1"},
            }
        ],
    }
    assert len(second["items"]) == 1  # no buttons under an item without actions


def test_a_long_reply_is_cut_to_fit_one_message_saying_how_much_was_left_out():
    items = tuple(line(f"R-{n} · score 9 · " + "a long risk title " * 20) for n in range(400))
    card = cards.card(Reply(headline=line("Open risks"), sections=(Section("", items),)))
    assert len(json.dumps(card).encode()) <= cards.MAX_CARD_BYTES
    assert card["body"][0]["text"] == "Open risks"
    assert card["body"][-1]["text"].startswith("… and ")
