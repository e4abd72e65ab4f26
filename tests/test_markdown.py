"""Replies as Markdown documents: the steering report's file."""

from handlers.markdown import markdown
from handlers.reply import Code, Field, Mention, Reply, Section, line


def test_a_reply_becomes_a_document_and_typed_text_stays_text():
    reply = Reply(
        headline=line("Steering report of churn"),
        fields=(Field("Health", line("at risk <script>")),),
        sections=(Section("Top risks", (line("R-1 · [win](http://x.example) *now* ", Mention("U1")),)),),
        notes=(line("Written by ", Code("pmbot")),),
    )
    assert markdown(reply).splitlines() == [
        "# Steering report of churn",
        "",
        "- **Health**: at risk \\<script\\>",
        "",
        "## Top risks",
        "",
        "- R-1 · \\[win\\]\\(http://x.example\\) \\*now\\* @U1",
        "",
        "_Written by `pmbot`_",
    ]


def test_the_report_goes_to_the_channel_with_itself_as_a_markdown_file(churn):
    churn('risk add "Label noise in Q3 data" p=4 i=4')
    reply = churn.reply("report")
    assert reply.public
    assert reply.attachment is not None
    assert reply.attachment.filename.startswith("steering-report-churn-")
    assert reply.attachment.data.decode().startswith("# ")
    assert "Label noise in Q3 data" in reply.attachment.data.decode()
