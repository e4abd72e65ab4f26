import re

import pytest
from slack_sdk.models.blocks import ActionsBlock, Block, ContextBlock, SectionBlock

from bot.slack.render import blocks, escape, fallback_text, mrkdwn, plain
from handlers.reply import Action, Code, Field, Mention, Reply, Section, Tone, from_json, line, to_json

WORD_JOINER = "\u2060"


def valid(reply: Reply) -> list[dict]:
    """The reply's blocks, each checked against Block Kit's shapes and Slack's limits."""
    out = blocks(reply)
    assert 1 <= len(out) <= 50
    for block in out:
        parsed = Block.parse(block)
        assert isinstance(parsed, SectionBlock | ContextBlock | ActionsBlock)
        parsed.validate_json()
        assert parsed.to_dict() == block  # nothing Block Kit does not know about
        texts = [block["text"]] if "text" in block else []
        texts += block.get("fields", []) + (block.get("elements", []) if block["type"] == "context" else [])
        for text in texts:
            assert text["type"] == "mrkdwn"
            assert text["text"].strip()
            assert len(text["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    return out


def all_text(out: list[dict]) -> str:
    return "\n".join(
        text["text"]
        for block in out
        for text in [block.get("text", {"text": ""}), *block.get("fields", []), *block.get("elements", [])]
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U999>", "&lt;@U999&gt;"),
        ("<http://evil|click>", "&lt;http://evil|click&gt;"),
        ("R&D", "R&amp;D"),
        ("&lt;", "&amp;lt;"),
        ("a > b", "a &gt; b"),
    ],
)
def test_user_text_is_escaped(typed, shown):
    assert escape(typed) == shown
    assert mrkdwn(line("x ", typed)) == f"x {shown}"
    assert plain(line(typed)) == shown


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Here", "@EVERYONE"])
def test_bare_broadcast_words_are_not_echoed_as_is(word):
    out = escape(f"hi {word}, see this")
    assert word.lower() not in out.lower()
    assert out == f"hi @{WORD_JOINER}{word[1:]}, see this"


def test_words_that_only_start_like_a_broadcast_are_left_alone():
    assert escape("@heretic @channels") == "@heretic @channels"


def test_mrkdwn_control_characters_are_left_as_typed():
    assert mrkdwn(line("*bold* _it_ ~s~ `c`")) == "*bold* _it_ ~s~ `c`"


def test_a_mention_renders_as_a_slack_mention():
    assert mrkdwn(line("owner ", Mention("U024BE7LH"))) == "owner <@U024BE7LH>"
    assert mrkdwn(line(Mention("W0123ABCD"))) == "<@W0123ABCD>"
    assert plain(line(Mention("U024BE7LH"))) == "<@U024BE7LH>"


@pytest.mark.parametrize(
    "user_id", ["channel", "here", "!here", "U1>|<!channel", "u024be7lh", "C123", "U", ""]
)
def test_an_invalid_mention_id_does_not_become_a_mention(user_id):
    out = mrkdwn(line(Mention(user_id)))
    assert "<" not in out
    assert "@channel" not in out
    assert "@here" not in out
    assert out == escape(f"@{user_id}")


def test_code_is_a_span_without_backticks_inside_and_with_escaped_text():
    assert mrkdwn(line(Code("risk `add` <!here>"))) == "`risk add &lt;!here&gt;`"
    assert plain(line(Code("risk `add` <!here>"))) == "risk add &lt;!here&gt;"
    assert mrkdwn(line(Code("``"))) == ""


@pytest.mark.parametrize(
    ("tone", "start"), [(Tone.OK, "✅ *Saved*"), (Tone.ERROR, "❌ *No*"), (Tone.INFO, "*Info*")]
)
def test_the_headline_is_bold_with_the_tone_icon(tone, start):
    headline = start.split("*")[1]
    out = valid(Reply(headline=line(headline), tone=tone))
    assert out == [{"type": "section", "text": {"type": "mrkdwn", "text": start}}]


def test_fields_are_label_and_value_and_split_at_ten():
    fields = tuple(Field(f"Label {i}", line("value ", Mention("U1"))) for i in range(23))
    out = valid(Reply(headline=line("KPIs"), fields=fields))
    field_blocks = [block for block in out if "fields" in block]
    assert [len(block["fields"]) for block in field_blocks] == [10, 10, 3]
    assert field_blocks[0]["fields"][0]["text"] == "*Label 0*\nvalue <@U1>"
    assert field_blocks[2]["fields"][2]["text"] == "*Label 22*\nvalue <@U1>"


def test_a_field_with_an_empty_value_still_posts():
    out = valid(Reply(headline=line("x"), fields=(Field("Owner", ()),)))
    assert out[1]["fields"][0]["text"] == "*Owner*\n—"


def test_sections_are_a_bold_title_and_bullets():
    reply = Reply(
        headline=line("Risks"),
        sections=(Section("Open", (line("R-1 ", Code("late data")), line("R-2"))), Section("", (line("x"),))),
    )
    out = valid(reply)
    assert out[1]["text"]["text"] == "*Open*\n• R-1 `late data`\n• R-2"
    assert out[2]["text"]["text"] == "• x"


def test_long_texts_are_truncated_to_slacks_limits():
    long = "word <!here> & " * 1000
    reply = Reply(
        headline=line(long),
        fields=(Field("Long", line(long)), Field(long, line("v"))),
        sections=(Section("Long", tuple(line(long) for _ in range(3))),),
        notes=(line(long),),
        usage=long,
    )
    out = valid(reply)
    assert out[0]["text"]["text"].startswith("*word &lt;!here&gt; &amp; ")
    assert out[0]["text"]["text"].endswith("…*")
    assert out[1]["fields"][0]["text"].endswith("…")
    assert out[2]["text"]["text"].endswith("…")
    assert out[3]["type"] == "context"
    assert not re.search(r"&(?!amp;|lt;|gt;)", all_text(out))  # never an entity cut in two ("&am…")


def test_a_cut_never_splits_a_mention():
    reply = Reply(
        headline=line(), sections=(Section("", tuple(line(Mention("U024BE7LH")) for _ in range(400))),)
    )
    text = valid(reply)[1]["text"]["text"]
    assert text.endswith("…")
    assert text.count("<@") == text.count(">")


def test_at_most_fifty_blocks_and_the_usage_is_kept():
    sections = tuple(Section(f"S{i}", (line("x"),)) for i in range(80))
    out = valid(Reply(headline=line("Many"), sections=sections, usage="status"))
    assert len(out) == 50
    assert out[-2]["elements"][0]["text"] == "… and 33 more not shown"
    assert out[-1]["elements"][0]["text"] == "Usage: `status`"


def test_notes_and_usage_are_small_print_in_a_context_block():
    reply = Reply(
        headline=line("Unknown project"),
        tone=Tone.ERROR,
        notes=(line("Try ", Code("projects"), " <!here>"),),
        usage="risk add <project> <text>\nrisk list `project`",
    )
    out = valid(reply)
    assert out[-1] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "Try `projects` &lt;!here&gt;\n"
                "Usage: `risk add &lt;project&gt; &lt;text&gt;`\n`risk list project`",
            }
        ],
    }


def test_no_context_block_without_notes_or_usage():
    assert all(block["type"] == "section" for block in valid(Reply(headline=line("x"))))


def test_an_empty_reply_still_posts():
    assert valid(Reply(headline=()))[0]["text"]["text"]
    assert fallback_text(Reply(headline=()))


def test_the_fallback_text_has_the_whole_reply_and_no_ping():
    reply = Reply(
        headline=line("Risk added <!channel> by ", Mention("U024BE7LH")),
        tone=Tone.OK,
        fields=(Field("Owner", line(Mention("U2"))),),
        sections=(Section("Open", (line("<!here> R-1"),)),),
        notes=(line("@everyone read this"),),
        usage="risk list",
    )
    text = fallback_text(reply)
    assert text.startswith("✅ Risk added &lt;!channel&gt; by <@U024BE7LH>")
    assert "<!" not in text
    assert "@everyone" not in text
    assert "Owner: <@U2>" in text
    assert "• &lt;!here&gt; R-1" in text
    assert text.endswith("Usage: risk list")


def test_the_fallback_text_is_at_most_3000_characters():
    text = fallback_text(Reply(headline=line("Long " * 1000), sections=(Section("x", (line("y"),) * 500),)))
    assert len(text) <= 3000
    assert text.startswith("Long Long")
    assert text.endswith("…")


def _listed(count: int) -> Reply:
    actions = (
        Action("Done", "churn: deliverable done A-{n}"),
        Action("Snooze 1 day", "churn: deliverable snooze A-{n} tomorrow"),
    )
    return Reply(
        headline=line("Open deliverables"),
        sections=(
            Section(
                "",
                tuple(line(f"A-{n} · Part <!here>") for n in range(count)),
                tuple(tuple(Action(a.label, a.command.format(n=n)) for a in actions) for n in range(count)),
            ),
        ),
    )


def test_an_items_actions_become_buttons_under_it():
    out = valid(_listed(2))
    assert [b["type"] for b in out] == ["section", "section", "actions", "section", "actions"]
    assert out[1]["text"]["text"] == "A-0 · Part &lt;!here&gt;"
    done, snooze = out[4]["elements"]
    assert (done["text"]["text"], done["value"]) == ("Done", "churn: deliverable done A-1")
    assert done["action_id"] != snooze["action_id"]  # unique within their block


def test_a_list_too_long_for_buttons_under_each_item_gets_a_menu_beside_each():
    out = valid(_listed(40))
    menus = [b["accessory"] for b in out if "accessory" in b]
    assert len(menus) == 40
    assert [o["value"] for o in menus[39]["options"]] == [
        "churn: deliverable done A-39",
        "churn: deliverable snooze A-39 tomorrow",
    ]


def test_actions_survive_the_stored_reply_a_repeated_request_gets():
    reply = _listed(3)
    assert from_json(to_json(reply)) == reply


def test_an_errors_field_survives_too_so_a_form_shows_it_in_place_again():
    reply = Reply(headline=line("Probability (p) must be 1 to 5"), tone=Tone.ERROR, param="p")
    assert from_json(to_json(reply)) == reply
