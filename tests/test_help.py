from handlers.commands import build_registry
from storage.models import Risk


def test_help_lists_every_verb_with_its_usage_and_summary(chat):
    out = chat("help")
    assert out.startswith("pmbot keeps your AI project's status, risks, decisions, deliverables and KPIs.")
    for verb in build_registry():
        assert f"  • `{verb.usage}` — {verb.summary}" in out, verb.name


def test_every_verb_has_a_usage_and_a_summary():
    for verb in build_registry():
        assert verb.usage.split()[: len(verb.name.split())] == verb.name.split(), verb.name
        assert verb.summary, verb.name


def test_help_works_without_a_project(chat):
    assert "Outside a project's channel, start with its key: `churn: risks`" in chat("help")


def test_help_on_a_verb_family_shows_each_usage_and_docstring(chat):
    out = chat("help risk")
    assert out.splitlines()[0] == "help risk"
    for name in ("risk add", "risk update", "risk close"):
        verb = build_registry().verbs[name]
        assert f"{verb.usage}:\n  • {verb.summary}" in out
    assert "risks" not in out.splitlines()


def test_help_on_one_verb_shows_its_usage_summary_and_details(chat):
    verb = build_registry().verbs["risk add"]
    assert chat("help risk add") == "\n".join(
        ["help risk add", f"{verb.usage}:", f"  • {verb.summary}", f"  • {verb.details}"]
    )
    assert verb.details.startswith("Categories:")


def test_help_topic_is_read_case_and_space_insensitively(chat):
    assert chat("help  RISK   add") == chat("help risk add")


def test_help_on_an_unknown_verb_suggests_the_nearest(chat):
    out = chat("help riks")
    assert out.splitlines() == [
        "✗ I don't know the command “riks”. Did you mean `risks`? `help` lists the commands.",
        "  Usage: help [command]",
    ]


def test_an_unknown_verb_suggests_the_nearest(chat):
    assert chat("riks").startswith("✗ I don't know the command “riks”. Did you mean `risks`?")
    assert chat("xyzzy") == "✗ I don't know the command “xyzzy”. `help` lists the commands."


def test_a_verb_family_alone_lists_its_sub_commands(churn, count):
    out = churn("risk")
    usages = [v.usage for v in build_registry() if v.name.startswith("risk ")]
    assert out.splitlines()[0] == "✗ `risk` needs one of these after it:"
    assert [line.strip().removeprefix("Usage: ").strip() for line in out.splitlines()[1:]] == usages
    assert churn('risk frobnicate "x"').startswith("✗ `risk` needs one of these after it:")
    assert count(Risk) == 0


def test_empty_input_says_to_type_a_command(chat):
    hint = '✗ Type a command, for example `status on-track "what happened"`. `help` lists them all.'
    assert chat("") == hint
    assert chat("   ") == hint
